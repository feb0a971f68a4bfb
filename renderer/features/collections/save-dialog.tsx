import { useEffect, useRef, useState } from 'react';
import { useCollectionsStore } from '../../stores/collections-store';
import { useTranslation } from '../../ui/i18n';
import { visibleCollections } from './search';

const NEW = '__new__';

/**
 * "Save to collection…": a name, the collection (or a new one, shared or this profile's) and a
 * folder. Opened from the publish panel and its history through the collections store.
 */
export function SaveDialog({ profileId, profileName }: { profileId: string | undefined; profileName: string | undefined }) {
  const { t } = useTranslation('collections');
  const request = useCollectionsStore((s) => s.saveRequest);
  const state = useCollectionsStore((s) => s.state);
  const close = useCollectionsStore((s) => s.closeSave);
  const run = useCollectionsStore((s) => s.run);
  const collections = visibleCollections(state?.collections ?? [], profileId);
  const [name, setName] = useState('');
  const [collectionId, setCollectionId] = useState('');
  const [newName, setNewName] = useState('');
  const [scope, setScope] = useState<'shared' | 'profile'>('shared');
  const [folderId, setFolderId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!request) return;
    setName(request.name.slice(0, 200));
    setCollectionId((current) => (collections.some((c) => c.id === current) ? current : (collections[0]?.id ?? NEW)));
    setNewName(t('save.defaultNewName'));
    setFolderId('');
    setError(null);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
    // Reset only when a new request opens the dialog.
  }, [request]);

  if (!request) return null;
  const chosen = collections.find((c) => c.id === collectionId);

  const save = async () => {
    setBusy(true);
    let target = collectionId;
    if (target === NEW) {
      const created = await run('collections.saveCollection', { name: newName, ...(scope === 'profile' && profileId ? { profileId } : {}) });
      if (!created.ok) {
        setBusy(false);
        return setError(created.error);
      }
      target = (created.value as { collectionId: string }).collectionId;
    }
    const saved = await run('collections.saveMessage', { collectionId: target, message: { ...request.template, name, ...(folderId && target === collectionId ? { folderId } : {}) } });
    setBusy(false);
    if (!saved.ok) return setError(saved.error);
    setCollectionId(target);
    close();
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && close()}>
      <section className="dialog collections-save-dialog" role="dialog" aria-modal="true" aria-label={t('save.title')} data-testid="collections-save-dialog" ref={dialog} tabIndex={-1}>
        <header className="dialog-header">
          <h2>{t('save.title')}</h2>
          <button type="button" className="icon-button" title={t('save.cancelTitle')} aria-label={t('save.cancel')} onClick={close}>
            ×
          </button>
        </header>
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="span-4">
            {t('save.name')}
            <input data-testid="collections-save-name" value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="span-2">
            {t('save.collection')}
            <select data-testid="collections-save-collection" value={collectionId} onChange={(e) => setCollectionId(e.target.value)}>
              {collections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.profileId ? t('save.thisProfile') : ''}
                </option>
              ))}
              <option value={NEW}>{t('save.newCollectionOption')}</option>
            </select>
          </label>
          {collectionId === NEW ? (
            <>
              <label className="span-1">
                {t('save.newCollection')}
                <input data-testid="collections-save-new-name" value={newName} maxLength={200} onChange={(e) => setNewName(e.target.value)} />
              </label>
              <label className="span-1">
                {t('save.for')}
                <select data-testid="collections-save-scope" value={scope} onChange={(e) => setScope(e.target.value as 'shared' | 'profile')}>
                  <option value="shared">{t('save.everyConnection')}</option>
                  {profileId && <option value="profile">{t('save.profileOnly', { profile: profileName ?? t('save.thisProfileName') })}</option>}
                </select>
              </label>
            </>
          ) : (
            <label className="span-2">
              {t('save.folder')}
              <select data-testid="collections-save-folder" value={folderId} onChange={(e) => setFolderId(e.target.value)}>
                <option value="">{t('save.topLevel')}</option>
                {chosen?.folders.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <p className="hint span-4">
            {t('save.savedAs')} <code>{request.template.topic || t('save.topicAlias')}</code>
            {t('save.summary', { format: request.template.format, qos: String(request.template.qos) })}
            {request.template.retain ? t('save.retained') : ''}
            {request.template.variables ? t('save.variables') : ''}
            {request.template.properties ? t('save.properties') : ''}
            {t('save.end')}
          </p>
          {error && (
            <p className="error-box span-4" role="alert" data-testid="collections-save-error">
              {error}
            </p>
          )}
          <div className="dialog-footer span-4">
            <span className="muted" />
            <button type="button" onClick={close} disabled={busy}>
              {t('save.cancel')}
            </button>
            <button type="submit" className="primary" data-testid="collections-save-confirm" disabled={busy || name.trim() === ''}>
              {t('save.save')}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
