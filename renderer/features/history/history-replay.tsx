import { useEffect, useRef } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import { useHistoryStore } from '../../stores/history-store';
import { REPLAY_MAX_GAP_MS, REPLAY_SPEEDS, type ReplaySpeed, useReplayStore } from '../../stores/replay-store';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** The speed buttons' faces: multipliers read the same in every language; "Max" is translated. */
const SPEED_MARKS: Record<Exclude<ReplaySpeed, 'max'>, string> = { '1': '×1', '2': '×2', '10': '×10' };

/**
 * Publishes the searched messages again, oldest first, on an open connection: recorded traffic
 * played back to a broker at its original pace, faster, or as fast as it goes.
 */
export function HistoryReplay() {
  const { t } = useTranslation('history');
  const options = useReplayStore((s) => s.options);
  const setOptions = useReplayStore((s) => s.setOptions);
  const replay = useReplayStore((s) => s.replay);
  const error = useReplayStore((s) => s.error);
  const start = useReplayStore((s) => s.start);
  const stop = useReplayStore((s) => s.stop);
  const enabled = useHistoryStore((s) => s.status?.enabled ?? true);
  const summaries = useConnectionsStore((s) => s.summaries);
  const order = useConnectionsStore((s) => s.order);
  const open = order.map((id) => summaries[id]).filter((summary) => summary?.status === 'connected');
  // The chosen connection, while it is open; else the first open one.
  const target = open.find((summary) => summary!.connectionId === options.connectionId) ?? open[0];
  const running = replay?.state === 'running';
  const percent = replay && replay.total > 0 ? Math.min(100, Math.round((replay.sent / replay.total) * 100)) : 0;
  // The progress line appears under the button, at the foot of a scrolled side panel: bring it into view.
  const progress = useRef<HTMLDivElement>(null);
  const replayId = replay?.replayId;
  useEffect(() => {
    if (replayId) progress.current?.scrollIntoView({ block: 'nearest' });
  }, [replayId]);

  return (
    <section className="history-export history-replay" data-testid="history-replay">
      <h3>{t('replay.title')}</h3>
      {open.length === 0 ? (
        <p className="muted" data-testid="history-replay-no-connection">
          {t('replay.noConnection')}
        </p>
      ) : (
        <>
          <label className="history-export-encoding">
            {t('replay.to')}
            <select data-testid="history-replay-connection" value={target?.connectionId ?? ''} disabled={running} onChange={(e) => setOptions({ connectionId: e.target.value })}>
              {open.map((summary) => (
                <option key={summary!.connectionId} value={summary!.connectionId}>
                  {summary!.name}
                </option>
              ))}
            </select>
          </label>
          <div className="segmented" role="group" aria-label={t('replay.speed')}>
            {REPLAY_SPEEDS.map((speed) => (
              <button key={speed} type="button" data-testid={`history-replay-speed-${speed}`} aria-pressed={options.speed === speed} aria-label={t(`replay.speeds.${speed}`)} title={t(`replay.speeds.${speed}Title`)} disabled={running} onClick={() => setOptions({ speed })}>
                {speed === 'max' ? t('replay.speeds.maxLabel') : SPEED_MARKS[speed]}
              </button>
            ))}
          </div>
          <input
            data-testid="history-replay-prefix"
            placeholder={t('replay.prefix')}
            value={options.topicPrefix}
            disabled={running}
            onChange={(e) => setOptions({ topicPrefix: e.target.value })}
          />
          <label className="checkbox">
            <input type="checkbox" data-testid="history-replay-skip-pauses" checked={options.skipPauses} disabled={running || options.speed === 'max'} onChange={(e) => setOptions({ skipPauses: e.target.checked })} />
            {t('replay.skipPauses', { seconds: formatNumber(REPLAY_MAX_GAP_MS / 1000) })}
          </label>
          <label className="checkbox">
            <input type="checkbox" data-testid="history-replay-keep-retain" checked={options.keepRetain} disabled={running} onChange={(e) => setOptions({ keepRetain: e.target.checked })} />
            {t('replay.keepRetain')}
          </label>
          <div className="history-export-actions">
            <button
              type="button"
              className="primary"
              data-testid="history-replay-start"
              disabled={running || !enabled || !target}
              onClick={() => {
                if (target && target.connectionId !== options.connectionId) setOptions({ connectionId: target.connectionId });
                void start();
              }}
            >
              {t('replay.start')}
            </button>
            {running && (
              <button type="button" className="danger" data-testid="history-replay-stop" onClick={() => void stop()}>
                {t('replay.stop')}
              </button>
            )}
          </div>
        </>
      )}
      {replay && (
        <div ref={progress} className="history-export-progress" data-testid="history-replay-progress" data-state={replay.state}>
          {running && <progress max={100} value={percent} />}
          <span data-testid="history-replay-state">
            {replay.state === 'running' && t('replay.running', { sent: formatNumber(replay.sent), total: formatNumber(replay.total) })}
            {replay.state === 'done' && t('replay.done', { count: replay.sent })}
            {replay.state === 'stopped' && t('replay.stopped', { sent: formatNumber(replay.sent), total: formatNumber(replay.total) })}
            {replay.state === 'failed' && t('replay.failed', { sent: formatNumber(replay.sent), error: replay.error ?? t('unknownError') })}
          </span>
        </div>
      )}
      {error && (
        <p className="field-problem" data-testid="history-replay-error">
          {describeError(error)}
        </p>
      )}
    </section>
  );
}
