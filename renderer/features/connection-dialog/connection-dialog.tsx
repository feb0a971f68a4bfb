import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { WorkbenchError } from '../../../shared/contract';
import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { type EditorTarget, useUiStore } from '../../stores/ui-store';
import { useTranslation } from '../../ui/i18n';
import { Tabs } from '../../ui/tabs';
import { settingsProblems } from '../codecs';
import { AdvancedSection } from './form/advanced-section';
import { AuthSection } from './form/auth-section';
import { type Problems, checkForm } from './form/form-check';
import { type ConnectionForm, INITIAL_FORM, formFromProfile } from './form/form-model';
import { DecodingSection } from './form/decoding-section';
import { GeneralSection } from './form/general-section';
import { Mqtt5Section } from './form/mqtt5-section';
import { ProfileFields } from './form/profile-fields';
import { SubscriptionsSection } from './form/subscriptions-section';
import type { Update } from './form/section-props';
import { TlsSection } from './form/tls-section';
import { ProxySection } from './form/proxy-section';
import { WillSection } from './form/will-section';
import './connection-dialog.css';
import { describeError, pageError } from '../../ui/errors';

type Section = 'general' | 'auth' | 'tls' | 'proxy' | 'mqtt5' | 'will' | 'subscriptions' | 'decoding' | 'advanced';

/** Which tab a problem key belongs to, so a tab can show that something inside needs attention. */
function sectionOf(key: string): Section {
  if (key.startsWith('tls')) return 'tls';
  if (key.startsWith('proxy')) return 'proxy';
  if (key.startsWith('properties')) return 'mqtt5';
  if (key.startsWith('will')) return 'will';
  if (key.startsWith('subscriptions')) return 'subscriptions';
  if (key.startsWith('codecs')) return 'decoding';
  if (key.startsWith('reconnect') || key === 'wsHeaders') return 'advanced';
  if (key === 'username' || key === 'password' || key === 'enhancedAuth') return 'auth';
  return 'general';
}

/** The host's INVALID_REQUEST details, as form problem keys (`options.port` -> `port`). */
function problemsFromError(error: WorkbenchError): Problems {
  const problems: Problems = {};
  for (const { path, message } of error.details ?? []) {
    const key = path.startsWith('codecs') ? 'codecs' : path.replace(/^options\./, '').replace(/\.\d+(\..*)?$/, '');
    problems[key] ??= message;
  }
  return problems;
}

function ConnectionDialogBody({ target }: { target: EditorTarget }) {
  const { t } = useTranslation('connectionDialog');
  const sectionLabel = (key: Section) => t(`sections.${key}`);
  const counted = (key: Section, count: number) => (count ? t('dialog.counted', { label: sectionLabel(key), count }) : sectionLabel(key));
  const profile = useProfilesStore((s) => (target.mode === 'edit' ? s.profiles.find((p) => p.id === target.profileId) : undefined));
  const saveProfile = useProfilesStore((s) => s.save);
  const connect = useConnectionsStore((s) => s.connect);
  const connectProfile = useConnectionsStore((s) => s.connectProfile);
  const subscribe = useConnectionsStore((s) => s.subscribe);
  const close = () => useUiStore.getState().openEditor(null);
  const [form, setForm] = useState<ConnectionForm>(() => (profile ? formFromProfile(profile) : INITIAL_FORM));
  const [section, setSection] = useState<Section>('general');
  const [showProblems, setShowProblems] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<WorkbenchError | null>(null);
  const [hostProblems, setHostProblems] = useState<Problems>({});
  const dialog = useRef<HTMLFormElement>(null);
  const editing = target.mode === 'edit';
  const check = checkForm(form, { forProfile: editing });
  const codecProblems = form.codecsChanged ? settingsProblems(form.codecs) : [];
  const problems: Problems = showProblems ? { ...hostProblems, ...check.problems, ...(codecProblems.length ? { codecs: codecProblems.join('; ') } : {}) } : {};

  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>('input, select')?.focus();
  }, []);

  // Esc closes wherever the focus is: a connect attempt disables the form's fields, and the field
  // that had the focus loses it to the page, where the form's own key handler never hears Esc.
  useEffect(() => {
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) close();
    };
    window.addEventListener('keydown', onEscape);
    return () => window.removeEventListener('keydown', onEscape);
  }, []);

  const update: Update = (key, value) => {
    setForm((f) => ({ ...f, [key]: value }));
    setHostProblems({});
  };

  const fail = (failure: WorkbenchError) => {
    setBusy(null);
    setError(failure);
    setHostProblems(problemsFromError(failure));
    // Back into the dialog (its fields were disabled while connecting), so Ctrl/Cmd+Enter works too.
    dialog.current?.focus();
  };

  /** Saves the profile; resolves with its id, or null (problems shown). */
  const save = async (): Promise<string | null> => {
    setShowProblems(true);
    if (!check.ok || codecProblems.length > 0) return null;
    if (!form.name.trim()) {
      setError(pageError('INVALID_REQUEST', t('dialog.needName')));
      return null;
    }
    setBusy('save');
    const secretHeaders = form.secretHeaderNames
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const result = await saveProfile({
      ...(editing ? { id: target.profileId } : {}),
      name: form.name.trim(),
      folder: form.folder.trim(),
      ...(form.color ? { color: form.color } : {}),
      options: check.options,
      ...(form.clearSecrets.length ? { clearSecrets: form.clearSecrets } : {}),
      ...(secretHeaders.length ? { secretHeaders } : {}),
      ...(form.clearHeaders.length ? { clearHeaders: form.clearHeaders } : {}),
      subscriptions: form.subscriptions,
      connectOnLaunch: form.connectOnLaunch,
      // Sent only when edited here: omitted keeps the saved rules.
      ...(form.codecsChanged ? { codecs: form.codecs } : {}),
    });
    if (!result.ok) {
      fail(result.error);
      return null;
    }
    setBusy(null);
    return result.profile.id;
  };

  const onSave = async () => {
    if (await save()) close();
  };

  const onSaveAndConnect = async () => {
    const id = await save();
    if (!id) return;
    setBusy('connect');
    const failure = await connectProfile(id, form.color);
    if (failure) fail(failure);
    else close();
  };

  /** Connects with what is typed, without saving (a quick connection). */
  const onConnect = async (event?: FormEvent) => {
    event?.preventDefault();
    if (editing) return void onSaveAndConnect();
    setShowProblems(true);
    if (!check.ok) return;
    setBusy('connect');
    setError(null);
    const failure = await connect(check.options);
    if (failure) return fail(failure);
    // A quick connection subscribes to what the form lists, as a profile does on connect.
    for (const { enabled, ...subscription } of form.subscriptions) if (enabled) void subscribe(subscription);
    close();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void onConnect();
    }
  };

  const flagged = new Set(Object.keys(problems).map(sectionOf));
  const props = { form, update, problems };
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <form ref={dialog} className="dialog connection-dialog" role="dialog" aria-modal="true" aria-label={t('dialog.label')} data-testid="connection-dialog" tabIndex={-1} onSubmit={(e) => void onConnect(e)} onKeyDown={onKeyDown} noValidate>
        <header className="dialog-header">
          <h2>{editing ? t('dialog.titleEdit', { name: profile?.name ?? t('dialog.profileFallback') }) : t('dialog.titleNew')}</h2>
          <button type="button" className="icon-button" title={t('dialog.closeTitle')} aria-label={t('dialog.close')} data-testid="connection-dialog-close" onClick={close}>
            ×
          </button>
        </header>
        <ProfileFields {...props} />
        <Tabs<Section>
          testId="connection-tab"
          active={section}
          onSelect={setSection}
          tabs={[
            { key: 'general', label: sectionLabel('general'), flagged: flagged.has('general') },
            { key: 'auth', label: sectionLabel('auth'), flagged: flagged.has('auth') },
            { key: 'tls', label: sectionLabel('tls'), flagged: flagged.has('tls') },
            { key: 'proxy', label: sectionLabel('proxy'), flagged: flagged.has('proxy') },
            { key: 'mqtt5', label: sectionLabel('mqtt5'), flagged: flagged.has('mqtt5') },
            { key: 'will', label: sectionLabel('will'), flagged: flagged.has('will') },
            { key: 'subscriptions', label: counted('subscriptions', form.subscriptions.length), flagged: flagged.has('subscriptions') },
            { key: 'decoding', label: counted('decoding', form.codecs.rules.length), flagged: flagged.has('decoding') },
            { key: 'advanced', label: sectionLabel('advanced'), flagged: flagged.has('advanced') },
          ]}
        />
        <fieldset className="dialog-body" disabled={busy !== null}>
          {section === 'general' && <GeneralSection {...props} setForm={setForm} />}
          {section === 'auth' && <AuthSection {...props} editing={editing} />}
          {section === 'tls' && <TlsSection {...props} editing={editing} />}
          {section === 'proxy' && <ProxySection {...props} editing={editing} />}
          {section === 'mqtt5' && <Mqtt5Section {...props} />}
          {section === 'will' && <WillSection {...props} />}
          {section === 'subscriptions' && <SubscriptionsSection {...props} />}
          {section === 'decoding' && <DecodingSection {...props} editing={editing} />}
          {section === 'advanced' && <AdvancedSection {...props} />}
        </fieldset>
        {showProblems && Object.keys(problems).length > 0 && !error && (
          <p className="field-problem dialog-problems" data-testid="connection-problems">
            {t('dialog.problems', { count: Object.keys(problems).length, sections: [...flagged].map(sectionLabel).join(t('dialog.listSeparator')) })}
          </p>
        )}
        {error && (
          <p className="error-box" role="alert" data-testid="connection-error">
            <strong>{error.code}</strong> {describeError(error)}
          </p>
        )}
        <footer className="dialog-footer">
          <span className="muted">{t('dialog.keys')}</span>
          <button type="button" data-testid="profile-save" disabled={busy !== null} onClick={() => void onSave()}>
            {editing ? t('dialog.save') : t('dialog.saveProfile')}
          </button>
          {!editing && (
            <button type="button" data-testid="profile-save-connect" disabled={busy !== null} onClick={() => void onSaveAndConnect()}>
              {t('dialog.saveAndConnect')}
            </button>
          )}
          <button type="submit" className="primary" data-testid="connect-button" disabled={busy !== null}>
            {busy === 'connect' ? t('dialog.connecting') : editing ? t('dialog.saveAndConnect') : t('dialog.connect')}
          </button>
        </footer>
      </form>
    </div>
  );
}

/** The connection form in a dialog: a quick connection, a new profile, or a saved profile being edited. */
export function ConnectionDialog() {
  const target = useUiStore((s) => s.editor);
  if (!target) return null;
  return <ConnectionDialogBody key={target.mode === 'edit' ? target.profileId : 'new'} target={target} />;
}
