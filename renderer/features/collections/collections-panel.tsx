import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { type Collection, type ExpandedMessage, type SavedMessage, profileIdOfKey } from '../../../shared/contract';
import { decodePayload } from '../../../shared/codecs/payload-format';
import { startCollections, useCollectionsStore } from '../../stores/collections-store';
import { useActiveConnection, useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { loadTemplateIntoPublish, useDraftVariables } from '../publish';
import { SaveDialog } from './save-dialog';
import { SequenceControls } from './sequence-controls';
import { downloadText } from '../../ui/download-text';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { searchMessages, visibleCollections } from './search';
import { VariablesEditor } from './variables-editor';
import './collections.css';

/** The rename button's glyph (its label says what it does). */
const PENCIL = '✎';

type Editing = { kind: 'collection' | 'folder' | 'message' | 'new-collection' | 'new-folder'; id: string; value: string } | null;
type Said = { kind: 'error' | 'sent'; text: string } | null;

/** Where the panel's connection and profile come from: the active tab. */
function useScope() {
  const active = useActiveConnection();
  const originProfile = useConnectionsStore((s) => (active ? s.origins[active.connectionId]?.profileId : undefined));
  const profileId = originProfile ?? (active ? profileIdOfKey(active.connectionKey) : undefined);
  const profileName = useProfilesStore((s) => s.profiles.find((p) => p.id === profileId)?.name);
  return { active, connected: active?.status === 'connected', profileId, profileName };
}

/** An inline name field: Enter saves, Esc cancels. */
function NameInput({ editing, onDone, testId }: { editing: NonNullable<Editing>; onDone(value: string | null): void; testId: string }) {
  const [value, setValue] = useState(editing.value);
  return (
    <input
      className="collections-name-input"
      data-testid={testId}
      value={value}
      maxLength={200}
      autoFocus
      onChange={(e) => setValue(e.target.value)}
      onBlur={() => onDone(null)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          onDone(value.trim() || null);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          onDone(null);
        }
      }}
    />
  );
}

/** The expanded message (collections.preview): what would be sent now. */
function Preview({ preview }: { preview: { ok: true; value: ExpandedMessage } | { ok: false; error: string } }) {
  const { t } = useTranslation('collections');
  if (!preview.ok)
    return (
      <p className="error-box" data-testid="collections-preview-error">
        {preview.error}
      </p>
    );
  const { topic, payload, qos, retain, properties } = preview.value;
  const text = decodePayload(payload, 'text');
  const props = properties
    ? [
        properties.contentType && t('preview.contentType', { value: properties.contentType }),
        properties.responseTopic && t('preview.responseTopic', { value: properties.responseTopic }),
        properties.correlationData &&
          t('preview.correlation', {
            value: decodePayload(properties.correlationData, 'text').ok
              ? new TextDecoder().decode(properties.correlationData)
              : t('preview.bytes', { n: formatNumber(properties.correlationData.byteLength) }),
          }),
        ...(properties.userProperties ?? []).map((p) => `${p.key}=${p.value}`),
      ].filter(Boolean)
    : [];
  return (
    <div className="collections-preview" data-testid="collections-preview">
      <div>
        <span data-testid="collections-preview-topic">{topic}</span> <span className="muted">{t('preview.meta', { qos: String(qos), retained: retain ? t('preview.retained') : '', bytes: formatNumber(payload.byteLength) })}</span>
      </div>
      <code data-testid="collections-preview-payload">{text.ok ? text.text.slice(0, 400) : t('preview.notText', { n: formatNumber(payload.byteLength) })}</code>
      {props.length > 0 && <div className="muted" data-testid="collections-preview-properties">{props.join(' · ')}</div>}
    </div>
  );
}

function MessageRow({
  message,
  collection,
  selected,
  onSelect,
  focused,
  onFocus,
  editing,
  setEditing,
  onSend,
}: {
  message: SavedMessage;
  collection: Collection;
  selected: boolean;
  onSelect(on: boolean): void;
  focused: boolean;
  onFocus(): void;
  editing: Editing;
  setEditing(editing: Editing): void;
  onSend(): void;
}) {
  const { t } = useTranslation('collections');
  const run = useCollectionsStore((s) => s.run);
  const { connected } = useScope();
  const index = collection.messages.indexOf(message);
  const move = (to: number, folderId?: string | null) => void run('collections.moveMessage', { collectionId: collection.id, messageId: message.id, index: to, ...(folderId !== undefined ? { folderId } : {}) });
  const renaming = editing?.kind === 'message' && editing.id === message.id;
  return (
    <li className={focused ? 'collections-message focused' : 'collections-message'} data-testid="collections-message" data-name={message.name}>
      <input type="checkbox" data-testid="collections-message-select" aria-label={t('message.select', { name: message.name })} checked={selected} onChange={(e) => onSelect(e.target.checked)} />
      {renaming ? (
        <NameInput
          testId="collections-message-name-input"
          editing={editing}
          onDone={(name) => {
            setEditing(null);
            if (name && name !== message.name) void run('collections.renameMessage', { collectionId: collection.id, messageId: message.id, name });
          }}
        />
      ) : (
        <button type="button" className="collections-message-main" title={t('message.showTitle')} onClick={onFocus} onDoubleClick={() => setEditing({ kind: 'message', id: message.id, value: message.name })}>
          <span className="collections-message-name" data-testid="collections-message-name">
            {message.name}
          </span>
          <span className="muted collections-message-topic">{message.topic || t('message.topicAlias')}</span>
        </button>
      )}
      <span className="collections-row-actions">
        <button type="button" className="small" data-testid="collections-message-load" title={t('message.loadTitle')} onClick={() => loadTemplateIntoPublish(message)}>
          {t('message.load')}
        </button>
        <button type="button" className="small primary" data-testid="collections-message-send" title={connected ? t('message.sendTitle') : t('message.connectToSend')} disabled={!connected} onClick={onSend}>
          {t('message.send')}
        </button>
      </span>
      {focused && (
        <div className="collections-message-tools">
          <button type="button" className="small" title={t('message.moveUp')} disabled={index === 0} onClick={() => move(index - 1)}>
            {t('message.up')}
          </button>
          <button type="button" className="small" title={t('message.moveDown')} disabled={index === collection.messages.length - 1} onClick={() => move(index + 1)}>
            {t('message.down')}
          </button>
          {collection.folders.length > 0 && (
            <select aria-label={t('message.folder')} data-testid="collections-message-folder" value={message.folderId ?? ''} onChange={(e) => move(index, e.target.value || null)}>
              <option value="">{t('message.topLevel')}</option>
              {collection.folders.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          )}
          <button type="button" className="small" data-testid="collections-message-rename" onClick={() => setEditing({ kind: 'message', id: message.id, value: message.name })}>
            {t('message.rename')}
          </button>
          <button type="button" className="small" data-testid="collections-message-duplicate" onClick={() => void run('collections.duplicateMessage', { collectionId: collection.id, messageId: message.id })}>
            {t('message.duplicate')}
          </button>
          <button type="button" className="small" data-testid="collections-message-delete" onClick={() => void run('collections.deleteMessages', { collectionId: collection.id, messageIds: [message.id] })}>
            {t('message.delete')}
          </button>
        </div>
      )}
    </li>
  );
}

/**
 * Saved messages (issue 17): the shared collections and the active profile's own, with folders,
 * search, send one, a selection or a sequence with delays, load into the publish panel, and
 * import/export as a file. The core expands the variables, so what is sent here is what the
 * command line would send.
 */
export function CollectionsPanel() {
  const { t } = useTranslation('collections');
  useEffect(startCollections, []);
  const state = useCollectionsStore((s) => s.state);
  const storeError = useCollectionsStore((s) => s.error);
  const run = useCollectionsStore((s) => s.run);
  const previewOf = useCollectionsStore((s) => s.preview);
  const { active, connected, profileId, profileName } = useScope();
  // The publish panel's own list for this connection wins over the environment, as when publishing there.
  const draftVariables = useDraftVariables();
  const extra = Object.keys(draftVariables).length > 0 ? { variables: draftVariables } : {};
  const collections = useMemo(() => visibleCollections(state?.collections ?? [], profileId), [state, profileId]);
  const [chosenId, setChosenId] = useState('');
  const collection = collections.find((c) => c.id === chosenId) ?? collections[0];
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [selected, setSelected] = useState<string[]>([]);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [said, setSaid] = useState<Said>(null);
  const [showVariables, setShowVariables] = useState(false);
  const [preview, setPreview] = useState<Parameters<typeof Preview>[0]['preview'] | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const messages = collection ? searchMessages(collection.messages, deferredQuery) : [];
  const selectedInOrder = collection ? collection.messages.filter((m) => selected.includes(m.id)) : [];
  const focused = collection?.messages.find((m) => m.id === focusedId);

  // The preview follows the focused message, its collection's variables and the connection.
  useEffect(() => {
    if (!collection || !focused) return setPreview(null);
    let current = true;
    const variables = Object.keys(draftVariables).length > 0 ? { variables: draftVariables } : {};
    void previewOf({ collectionId: collection.id, messageId: focused.id, ...variables, ...(connected && active ? { connectionId: active.connectionId } : profileId ? { profileId } : {}) }).then((result) => {
      if (current) setPreview(result);
    });
    return () => {
      current = false;
    };
  }, [collection, focused, state, connected, active, profileId, previewOf, draftVariables]);

  const send = async (ids: string[]) => {
    if (!collection || !active) return;
    const result = await run('collections.send', { connectionId: active.connectionId, collectionId: collection.id, messageIds: ids, ...extra });
    if (!result.ok) return setSaid({ kind: 'error', text: result.error });
    const { sent, failed } = result.value as { sent: number; failed: { error: string }[] };
    setSaid(
      failed.length
        ? { kind: 'error', text: t('panel.sentWithFailures', { n: formatNumber(sent), errors: failed.map((f) => f.error).join('; ') }) }
        : { kind: 'sent', text: t('panel.sent', { count: sent, n: formatNumber(sent) }) },
    );
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    const result = await run('collections.import', { text: await file.text(), ...(profileId && collection?.profileId ? { profileId } : {}) });
    if (picker.current) picker.current.value = '';
    if (result.ok) {
      setChosenId((result.value as { collectionId: string }).collectionId);
      setSaid({ kind: 'sent', text: t('panel.imported', { name: file.name }) });
    } else setSaid({ kind: 'error', text: t('panel.importFailed', { name: file.name, error: result.error }) });
  };

  const exportCollection = async () => {
    if (!collection) return;
    const result = await run('collections.export', { collectionId: collection.id });
    if (result.ok) {
      const { json, fileName } = result.value as { json: string; fileName: string };
      downloadText(fileName, json);
    }
  };

  const finishEditing = async (value: string | null) => {
    const current = editing;
    setEditing(null);
    if (!current || !value) return;
    if (current.kind === 'new-collection' || current.kind === 'collection') {
      const result = await run('collections.saveCollection', {
        name: value,
        ...(current.kind === 'collection' ? { id: current.id } : current.id === 'profile' && profileId ? { profileId } : {}),
      });
      if (result.ok) setChosenId((result.value as { collectionId: string }).collectionId);
    } else if (collection && (current.kind === 'new-folder' || current.kind === 'folder')) {
      await run('collections.saveFolder', { collectionId: collection.id, name: value, ...(current.kind === 'folder' ? { folderId: current.id } : {}) });
    }
  };

  const select = (id: string, on: boolean) => setSelected((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));
  const row = (message: SavedMessage) =>
    collection && (
      <MessageRow
        key={message.id}
        message={message}
        collection={collection}
        selected={selected.includes(message.id)}
        onSelect={(on) => select(message.id, on)}
        focused={focusedId === message.id}
        onFocus={() => setFocusedId(focusedId === message.id ? null : message.id)}
        editing={editing}
        setEditing={setEditing}
        onSend={() => void send([message.id])}
      />
    );

  const editingCollection = editing && (editing.kind === 'collection' || editing.kind === 'new-collection');
  const topLevel = messages.filter((m) => !m.folderId || !collection?.folders.some((f) => f.id === m.folderId));
  const error = said?.kind === 'error' ? said.text : storeError;

  return (
    <div className="collections" data-testid="collections-panel">
      <div className="collections-bar">
        {editingCollection ? (
          <NameInput testId="collections-name-input" editing={editing} onDone={(value) => void finishEditing(value)} />
        ) : (
          <select data-testid="collections-select" aria-label={t('panel.collection')} value={collection?.id ?? ''} onChange={(e) => setChosenId(e.target.value)} disabled={collections.length === 0}>
            {collections.length === 0 && <option value="">{t('panel.noCollection')}</option>}
            {collections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.profileId ? t('panel.ofProfile', { profile: profileName ?? t('panel.thisProfile') }) : ''}
              </option>
            ))}
          </select>
        )}
        <button type="button" className="small" data-testid="collections-new" title={t('panel.newTitle')} onClick={() => setEditing({ kind: 'new-collection', id: 'shared', value: t('panel.newName') })}>
          {t('panel.new')}
        </button>
        {profileId && (
          <button type="button" className="small" data-testid="collections-new-profile" title={t('panel.newForProfileTitle', { profile: profileName ?? t('panel.thisProfile') })}
            onClick={() => setEditing({ kind: 'new-collection', id: 'profile', value: t('panel.profileMessages', { profile: profileName ?? t('panel.profileFallback') }) })}
          >
            {t('panel.newForProfile')}
          </button>
        )}
        <details className="collections-menu">
          <summary className="small" data-testid="collections-menu">
            ⋯
          </summary>
          <div className="collections-menu-items">
            <button type="button" className="small" disabled={!collection} data-testid="collections-rename" onClick={() => collection && setEditing({ kind: 'collection', id: collection.id, value: collection.name })}>
              {t('panel.rename')}
            </button>
            <button type="button" className="small" disabled={!collection} data-testid="collections-new-folder" onClick={() => setEditing({ kind: 'new-folder', id: '', value: t('panel.newFolderName') })}>
              {t('panel.newFolder')}
            </button>
            <button type="button" className="small" data-testid="collections-import" title={t('panel.importTitle')} onClick={() => picker.current?.click()}>
              {t('panel.import')}
            </button>
            <button type="button" className="small" disabled={!collection} data-testid="collections-export" title={t('panel.exportTitle')} onClick={() => void exportCollection()}>
              {t('panel.export')}
            </button>
            <button type="button" className="small" disabled={!collection} data-testid="collections-delete" onClick={() => collection && void run('collections.deleteCollection', { collectionId: collection.id })}>
              {t('panel.delete')}
            </button>
            <button type="button" className="small" data-testid="collections-variables-toggle" aria-pressed={showVariables} onClick={() => setShowVariables(!showVariables)}>
              {t('panel.variables')}
            </button>
          </div>
        </details>
        <input ref={picker} hidden type="file" accept=".json,application/json" data-testid="collections-import-file" onChange={(e) => void importFile(e.target.files?.[0])} />
      </div>
      {showVariables && <VariablesEditor profileId={profileId} profileName={profileName} />}
      {editing && (editing.kind === 'new-folder' || editing.kind === 'folder') && <NameInput testId="collections-folder-name-input" editing={editing} onDone={(value) => void finishEditing(value)} />}
      {collection && (
        <input type="search" className="collections-search" placeholder={t('panel.searchPlaceholder')} aria-label={t('panel.searchLabel')} data-testid="collections-search" value={query} onChange={(e) => setQuery(e.target.value)} />
      )}
      <div className="collections-body">
        {!collection ? (
          <p className="hint">{t('panel.emptyHint')}</p>
        ) : messages.length === 0 ? (
          <p className="hint">{collection.messages.length === 0 ? t('panel.emptyCollection') : t('panel.noMatch')}</p>
        ) : (
          <ul className="collections-list">
            {topLevel.map(row)}
            {collection.folders.map((folder) => {
              const inFolder = messages.filter((m) => m.folderId === folder.id);
              if (deferredQuery.trim() && inFolder.length === 0) return null;
              return (
                <li key={folder.id} className="collections-folder" data-testid="collections-folder">
                  <div className="collections-folder-head">
                    <span onDoubleClick={() => setEditing({ kind: 'folder', id: folder.id, value: folder.name })}>{`📁 ${folder.name}`}</span>
                    <button type="button" className="icon-button" title={t('panel.renameFolder')} aria-label={t('panel.renameFolder')} onClick={() => setEditing({ kind: 'folder', id: folder.id, value: folder.name })}>
                      {PENCIL}
                    </button>
                    <button type="button" className="icon-button" title={t('panel.deleteFolderTitle')} aria-label={t('panel.deleteFolder')} onClick={() => void run('collections.deleteFolder', { collectionId: collection.id, folderId: folder.id })}>
                      ×
                    </button>
                  </div>
                  <ul className="collections-list">{inFolder.map(row)}</ul>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {preview && focused && <Preview preview={preview} />}
      {collection && selectedInOrder.length > 0 && (
        <SequenceControls
          collectionId={collection.id}
          messages={selectedInOrder}
          connectionId={connected ? active?.connectionId : undefined}
          variables={draftVariables}
          onSendAll={() => void send(selectedInOrder.map((m) => m.id))}
          onDeleteAll={() => {
            void run('collections.deleteMessages', { collectionId: collection.id, messageIds: selectedInOrder.map((m) => m.id) });
            setSelected([]);
          }}
          onClear={() => setSelected([])}
        />
      )}
      {error && (
        <p className="error-box" role="alert" data-testid="collections-error">
          {error}
        </p>
      )}
      {said?.kind === 'sent' && (
        <p className="muted" data-testid="collections-result">
          {said.text}
        </p>
      )}
      <SaveDialog profileId={profileId} profileName={profileName} />
    </div>
  );
}
