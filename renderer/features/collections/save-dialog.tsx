import { useEffect, useRef, useState } from 'react';
import { useCollectionsStore } from '../../stores/collections-store';
import { visibleCollections } from './search';

const NEW = '__new__';

/**
 * "Save to collection…": a name, the collection (or a new one, shared or this profile's) and a
 * folder. Opened from the publish panel and its history through the collections store.
 */
export function SaveDialog({ profileId, profileName }: { profileId: string | undefined; profileName: string | undefined }) {
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
    setNewName('Saved messages');
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
      <section className="dialog collections-save-dialog" role="dialog" aria-modal="true" aria-label="Save to collection" data-testid="collections-save-dialog" ref={dialog} tabIndex={-1}>
        <header className="dialog-header">
          <h2>Save to collection</h2>
          <button type="button" className="icon-button" title="Cancel (Esc)" aria-label="Cancel" onClick={close}>
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
            Name
            <input data-testid="collections-save-name" value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="span-2">
            Collection
            <select data-testid="collections-save-collection" value={collectionId} onChange={(e) => setCollectionId(e.target.value)}>
              {collections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.profileId ? ' (this profile)' : ''}
                </option>
              ))}
              <option value={NEW}>New collection…</option>
            </select>
          </label>
          {collectionId === NEW ? (
            <>
              <label className="span-1">
                New collection
                <input data-testid="collections-save-new-name" value={newName} maxLength={200} onChange={(e) => setNewName(e.target.value)} />
              </label>
              <label className="span-1">
                For
                <select data-testid="collections-save-scope" value={scope} onChange={(e) => setScope(e.target.value as 'shared' | 'profile')}>
                  <option value="shared">every connection</option>
                  {profileId && <option value="profile">{profileName ?? 'this profile'} only</option>}
                </select>
              </label>
            </>
          ) : (
            <label className="span-2">
              Folder
              <select data-testid="collections-save-folder" value={folderId} onChange={(e) => setFolderId(e.target.value)}>
                <option value="">(top level)</option>
                {chosen?.folders.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <p className="hint span-4">
            Saved as written: topic <code>{request.template.topic || '(topic alias)'}</code>, {request.template.format}, QoS {request.template.qos}
            {request.template.retain ? ', retained' : ''}
            {request.template.variables ? ', variables expanded when sent' : ''}
            {request.template.properties ? ', with MQTT 5 properties' : ''}.
          </p>
          {error && (
            <p className="error-box span-4" role="alert" data-testid="collections-save-error">
              {error}
            </p>
          )}
          <div className="dialog-footer span-4">
            <span className="muted" />
            <button type="button" onClick={close} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="primary" data-testid="collections-save-confirm" disabled={busy || name.trim() === ''}>
              Save
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
