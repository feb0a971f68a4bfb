import { useTimeFormat } from '../../stores/ui-store';
import { useState } from 'react';
import type { ConnectionSummary } from '../../../shared/contract';
import { versionLabel } from '../../../shared/mqtt/versions';
import { formatClock } from '../../ui/clock';
import { Trans, formatNumber, useTranslation } from '../../ui/i18n';
import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { describeError } from '../../ui/errors';

/**
 * After Auto fell back: which version the broker speaks, and (for a saved profile) a button that
 * saves it, so the next connect goes straight to it.
 */
export function VersionNote({ connection }: { connection: ConnectionSummary }) {
  const profileId = useConnectionsStore((s) => s.origins[connection.connectionId]?.profileId);
  const profile = useProfilesStore((s) => s.profiles.find((p) => p.id === profileId));
  const save = useProfilesStore((s) => s.save);
  const [saved, setSaved] = useState<string | null>(null);
  const { t } = useTranslation('connectionTabs');
  if (!connection.versionNote) return null;
  const version = connection.protocolVersion;
  const canSave = profile !== undefined && profile.options.protocolVersion !== version;
  return (
    <p className="notice-box" data-testid="version-note">
      {connection.versionNote}
      {canSave && (
        <button
          type="button"
          className="link-button"
          data-testid="save-version"
          onClick={() => {
            void save({ id: profile.id, name: profile.name, folder: profile.folder, color: profile.color, options: { ...profile.options, protocolVersion: version } }).then(
              (result) => setSaved(result.ok ? t('notes.savedVersion', { version: versionLabel(version), profile: profile.name }) : describeError(result.error)),
            );
          }}
        >
          {t('notes.saveVersion', { version: versionLabel(version) })}
        </button>
      )}
      {saved && <span className="muted"> {saved}</span>}
    </p>
  );
}

/**
 * What went wrong on this connection without ending it (protocol violations, refused messages,
 * errors it reconnected from) and `$` messages hidden under a wildcard [MQTT-4.7.2-1]: a count in
 * the header, the list on demand, newest first.
 */
/** The list toggle's arrows (the button's text says what it opens). */
const ARROWS = { open: '▴', closed: '▾' };

export function ConnectionProblems({ connection }: { connection: ConnectionSummary }) {
  useTimeFormat();
  const { t } = useTranslation('connectionTabs');
  const [open, setOpen] = useState(false);
  const { problems, problemCount, hiddenDollarMessages } = connection;
  return (
    <>
      {hiddenDollarMessages > 0 && (
        <p className="hint" data-testid="hidden-dollar-note">
          <Trans t={t} i18nKey="notes.hiddenDollar" count={hiddenDollarMessages} values={{ n: formatNumber(hiddenDollarMessages) }} components={{ code: <code /> }} />
        </p>
      )}
      {problemCount > 0 && (
        <div className="connection-problems">
          <button type="button" className="link-button warning-text" data-testid="problems-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
            {t('notes.problems', { count: problemCount, n: formatNumber(problemCount) })} {open ? ARROWS.open : ARROWS.closed}
          </button>
          {open && (
            <ol className="problem-list" data-testid="problem-list">
              {problems
                .slice()
                .reverse()
                .map((problem, index) => (
                  <li key={`${problem.timestamp}-${index}`} data-testid="problem-row">
                    <span className="muted">{formatClock(problem.timestamp)}</span> <strong>{problem.code}</strong> {describeError(problem)}
                  </li>
                ))}
              {problemCount > problems.length && <li className="muted">{t('notes.older', { n: formatNumber(problemCount - problems.length) })}</li>}
            </ol>
          )}
        </div>
      )}
    </>
  );
}
