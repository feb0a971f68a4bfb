import { useEffect, useRef, useState } from 'react';
import type { Profile } from '../../../shared/contract';
import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { useUiStore } from '../../stores/ui-store';
import { CopyIcon, EditIcon, PlayIcon, TrashIcon } from '../../ui/icons';
import './profile-row.css';

export function ProfileRow({ profile, depth }: { profile: Profile; depth: number }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connectProfile = useConnectionsStore((s) => s.connectProfile);
  const duplicate = useProfilesStore((s) => s.duplicate);
  const remove = useProfilesStore((s) => s.remove);
  const openEditor = useUiStore((s) => s.openEditor);
  const { options } = profile;
  const main = useRef<HTMLDivElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  // The confirmation takes the focus (on Keep, the harmless answer), so Esc reaches it at once.
  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);

  const connect = async () => {
    setBusy(true);
    setError(null);
    const failure = await connectProfile(profile.id, profile.color);
    setBusy(false);
    if (failure) setError(`${failure.code}: ${failure.message}`);
  };

  return (
    <li className="profile-row" data-testid="profile-row" data-name={profile.name} style={{ paddingLeft: 6 + depth * 12 }}>
      <div
        className="profile-main"
        ref={main}
        tabIndex={0}
        title={`${options.protocol}://${options.host}:${options.port} — Enter or double-click to connect`}
        onDoubleClick={() => void connect()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void connect();
          if (e.key === 'F2') openEditor({ mode: 'edit', profileId: profile.id });
          if (e.key === 'Delete') setConfirming(true);
        }}
      >
        <span className="color-dot" style={{ background: profile.color ?? 'var(--muted)' }} aria-hidden="true" />
        <span className="profile-name">{profile.name}</span>
        <span className="profile-host muted">
          {options.host}:{options.port}
        </span>
      </div>
      {confirming ? (
        <span
          className="profile-actions confirm"
          data-testid="profile-delete-confirm"
          role="alert"
          title="Esc keeps the profile"
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault();
            e.stopPropagation();
            setConfirming(false);
            main.current?.focus();
          }}
        >
          Delete profile?
          <button type="button" className="danger small" data-testid="profile-delete-yes" onClick={() => void remove(profile.id)}>
            Delete
          </button>
          <button type="button" className="small" data-testid="profile-delete-no" ref={keep} onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <span className="profile-actions">
          <button type="button" className="icon-button" data-testid="profile-connect" title="Connect" aria-label="Connect" disabled={busy} onClick={() => void connect()}>
            <PlayIcon />
          </button>
          <button type="button" className="icon-button" data-testid="profile-edit" title="Edit (F2)" aria-label="Edit" onClick={() => openEditor({ mode: 'edit', profileId: profile.id })}>
            <EditIcon />
          </button>
          <button type="button" className="icon-button" data-testid="profile-duplicate" title="Duplicate" aria-label="Duplicate" onClick={() => void duplicate(profile.id)}>
            <CopyIcon />
          </button>
          <button type="button" className="icon-button" data-testid="profile-delete" title="Delete (Del)" aria-label="Delete" onClick={() => setConfirming(true)}>
            <TrashIcon />
          </button>
        </span>
      )}
      {error && (
        <span className="profile-error" data-testid="profile-error">
          {error}
        </span>
      )}
    </li>
  );
}
