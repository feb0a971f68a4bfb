import { useEffect, useRef, useState } from 'react';
import type { Profile } from '../../../shared/contract';
import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { useUiStore } from '../../stores/ui-store';
import { useTranslation } from '../../ui/i18n';
import { CopyIcon, EditIcon, PlayIcon, TrashIcon } from '../../ui/icons';
import './profile-row.css';

export function ProfileRow({ profile, depth }: { profile: Profile; depth: number }) {
  const { t } = useTranslation('profiles');
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
        title={t('row.title', { url: `${options.protocol}://${options.host}:${options.port}` })}
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
          title={t('row.escKeeps')}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault();
            e.stopPropagation();
            setConfirming(false);
            main.current?.focus();
          }}
        >
          {t('row.confirmDelete')}
          <button type="button" className="danger small" data-testid="profile-delete-yes" onClick={() => void remove(profile.id)}>
            {t('row.delete')}
          </button>
          <button type="button" className="small" data-testid="profile-delete-no" ref={keep} onClick={() => setConfirming(false)}>
            {t('row.keep')}
          </button>
        </span>
      ) : (
        <span className="profile-actions">
          <button type="button" className="icon-button" data-testid="profile-connect" title={t('row.connect')} aria-label={t('row.connect')} disabled={busy} onClick={() => void connect()}>
            <PlayIcon />
          </button>
          <button type="button" className="icon-button" data-testid="profile-edit" title={t('row.editTitle')} aria-label={t('row.edit')} onClick={() => openEditor({ mode: 'edit', profileId: profile.id })}>
            <EditIcon />
          </button>
          <button type="button" className="icon-button" data-testid="profile-duplicate" title={t('row.duplicate')} aria-label={t('row.duplicate')} onClick={() => void duplicate(profile.id)}>
            <CopyIcon />
          </button>
          <button type="button" className="icon-button" data-testid="profile-delete" title={t('row.deleteTitle')} aria-label={t('row.delete')} onClick={() => setConfirming(true)}>
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
