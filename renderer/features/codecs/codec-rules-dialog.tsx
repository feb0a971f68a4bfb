import { useEffect, useState } from 'react';
import type { CodecSettings } from '../../../shared/contract/codec-rules';
import type { WorkbenchError } from '../../../shared/contract';
import { type RulesDialogState, profileCodecs, useCodecsStore } from '../../stores/codecs-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { CodecSettingsEditor, settingsProblems, withSeededRule } from './codec-settings-editor';
import { useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** The host's refusal, with each detail (a schema's file:line:column, a rule's field) on a line. */
export function CodecSaveError({ error }: { error: WorkbenchError }) {
  return (
    <div className="error-box" role="alert" data-testid="codec-save-error">
      <strong>{error.code}</strong> {describeError({ ...error, details: undefined })}
      {error.details && error.details.length > 0 && (
        <ul>
          {error.details.map((d, i) => (
            <li key={i}>
              {d.path && <code>{d.path}</code>} {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function DialogBody({ state }: { state: RulesDialogState }) {
  const { t } = useTranslation('codecs');
  const close = () => useCodecsStore.getState().openDialog(null);
  const { scope, seed } = state;
  const profile = useProfilesStore((s) => (scope.kind === 'profile' ? s.profiles.find((p) => p.id === scope.profileId) : undefined));
  const global = useCodecsStore((s) => s.global);
  const globalLoaded = useCodecsStore((s) => s.globalLoaded);
  const saveGlobal = useCodecsStore((s) => s.saveGlobal);
  const saveProfile = useCodecsStore((s) => s.saveProfile);
  const [draft, setDraft] = useState<{ settings: CodecSettings; ruleId?: string } | null>(null);
  const [error, setError] = useState<WorkbenchError | null>(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);

  useEffect(() => {
    if (scope.kind === 'global' && !globalLoaded) void useCodecsStore.getState().loadGlobal();
  }, [scope.kind, globalLoaded]);

  const ready = scope.kind === 'profile' ? profile !== undefined : globalLoaded;
  // The draft starts from what is saved once it is known, with the seeded rule added.
  if (draft === null && ready) {
    const saved = scope.kind === 'profile' ? profileCodecs(profile) : global;
    setDraft(seed ? withSeededRule(saved, seed) : { settings: saved });
  }

  useEffect(() => {
    const onEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) close();
    };
    window.addEventListener('keydown', onEscape);
    return () => window.removeEventListener('keydown', onEscape);
  }, []);

  const problems = draft ? settingsProblems(draft.settings) : [];
  const onSave = async () => {
    if (!draft) return;
    setTried(true);
    if (problems.length > 0) return;
    setBusy(true);
    const failure = scope.kind === 'profile' ? await saveProfile(scope.profileId, draft.settings) : await saveGlobal(draft.settings);
    setBusy(false);
    if (failure) return setError(failure);
    close();
  };

  const title = scope.kind === 'profile' ? t('dialog.titleProfile', { name: profile?.name ?? t('dialog.profile') }) : t('dialog.titleGlobal');
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog codec-dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="codec-dialog" data-scope={scope.kind}>
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="icon-button" title={t('dialog.closeTitle')} aria-label={t('dialog.close')} data-testid="codec-dialog-close" onClick={close}>
            ×
          </button>
        </header>
        <div className="dialog-body">
          {!draft ? (
            <p className="muted">{scope.kind === 'profile' ? t('dialog.profileGone') : t('dialog.loading')}</p>
          ) : (
            <CodecSettingsEditor
              value={draft.settings}
              onChange={(settings) => {
                setDraft({ ...draft, settings });
                setError(null);
              }}
              {...(draft.ruleId ? { initialRuleId: draft.ruleId } : {})}
              {...(seed ? { filterChoices: seed.choices } : {})}
              scopeNote={scope.kind === 'profile' ? t('dialog.scopeProfile') : t('dialog.scopeGlobal')}
            />
          )}
        </div>
        {tried && problems.length > 0 && (
          <ul className="field-problem dialog-problems" data-testid="codec-dialog-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {error && <CodecSaveError error={error} />}
        <footer className="dialog-footer">
          <span className="muted">{t('dialog.escCloses')}</span>
          <button type="button" onClick={close}>
            {t('dialog.cancel')}
          </button>
          <button type="button" className="primary" data-testid="codec-dialog-save" disabled={!draft || busy} onClick={() => void onSave()}>
            {busy ? t('dialog.saving') : t('dialog.save')}
          </button>
        </footer>
      </div>
    </div>
  );
}

/** The rules editor in a dialog: all connections' rules (the top bar) or a profile's (its menu, or a message). */
export function CodecRulesDialog() {
  const state = useCodecsStore((s) => s.dialog);
  if (!state) return null;
  const key = state.scope.kind === 'profile' ? state.scope.profileId : 'global';
  return <DialogBody key={`${key}:${state.seed?.filter ?? ''}`} state={state} />;
}

/** The top bar's way in: the rules for all connections. */
export function DecodingButton() {
  const { t } = useTranslation('codecs');
  const openDialog = useCodecsStore((s) => s.openDialog);
  return (
    <button type="button" className="small" data-testid="decoding-button" title={t('dialog.buttonTitle')} onClick={() => openDialog({ scope: { kind: 'global' } })}>
      {t('dialog.button')}
    </button>
  );
}
