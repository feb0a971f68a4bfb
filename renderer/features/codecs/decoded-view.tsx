import { useEffect, useMemo, useState } from 'react';
import type { Result } from '../../../shared/contract';
import type { DecodedPayload } from '../../../shared/contract/codec-rules';
import { describeViolations } from '../../payload/decoded';
import { formatBytes } from '../../payload/format';
import { describeProblem } from '../../stores/codecs-store';
import { Trans, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

export type DecodedState =
  | { state: 'none' }
  | { state: 'loading'; decoded?: DecodedPayload }
  | { state: 'done'; decoded: DecodedPayload | null }
  | { state: 'failed'; decoded?: DecodedPayload; reason: string };

/**
 * The whole decoded payload from the host (codecs.decode), for the detail: live messages carry at
 * most 4,096 characters of it, one line. `fallback` is shown meanwhile (the live message's own).
 * `load` is null when nothing should be asked (no rule matched the message live).
 */
export function useDecodedPayload(key: string, load: (() => Promise<Result<{ decoded: DecodedPayload | null }>>) | null, fallback?: DecodedPayload): DecodedState {
  const [result, setResult] = useState<{ key: string; value: DecodedState } | null>(null);
  useEffect(() => {
    if (!load) return;
    let current = true;
    // A failure to ask (no such domain in an older host) reads as a failed decode, never a crash.
    Promise.resolve()
      .then(load)
      .then((answer) => {
        if (!current) return;
        setResult({ key, value: answer.ok ? { state: 'done', decoded: answer.value.decoded } : { state: 'failed', ...(fallback ? { decoded: fallback } : {}), reason: describeError(answer.error) } });
      })
      .catch((error: unknown) => current && setResult({ key, value: { state: 'failed', ...(fallback ? { decoded: fallback } : {}), reason: (error as Error).message } }));
    return () => {
      current = false;
    };
    // `load` and `fallback` are made per render; the key says when they mean something else.
  }, [key, load === null]);
  if (!load) return fallback ? { state: 'done', decoded: fallback } : { state: 'none' };
  if (result?.key === key) return result.value;
  return { state: 'loading', ...(fallback ? { decoded: fallback } : {}) };
}

/** "Decoded by rule X (format)", a switch to the raw bytes, and what went wrong when something did. */
export function DecodedBanner({ decoded, loading, raw, onRaw, testId }: { decoded: DecodedPayload; loading: boolean; raw: boolean; onRaw(raw: boolean): void; testId: string }) {
  const { t } = useTranslation('codecs');
  const rule = decoded.ruleName || decoded.ruleId;
  return (
    <div className="decoded-banner" data-testid={testId} data-format={decoded.format} data-raw={raw}>
      {decoded.problem ? (
        <p className="detail-notice problem" role="alert" data-testid={`${testId}-problem`}>
          <Trans t={t} i18nKey="decoded.failed" values={{ format: decoded.format }} components={{ rule: <strong>{rule}</strong>, problem: <span>{describeProblem(decoded.problem)}</span> }} />
        </p>
      ) : (
        <p className="detail-notice decoded-line">
          <span data-testid={`${testId}-rule`}>
            <Trans t={t} i18nKey="decoded.by" values={{ format: decoded.format }} components={{ rule: <strong>{rule}</strong> }} />
          </span>
          {decoded.image && (
            <span className="muted" data-testid={`${testId}-image`}>
              {' '}
              · {decoded.image.mime}, {decoded.image.width}×{decoded.image.height} px
            </span>
          )}
          {loading && <span className="muted">{t('decoded.loadingWhole')}</span>}
          <button type="button" className="small" data-testid={`${testId}-raw`} aria-pressed={raw} title={raw ? t('decoded.showDecodedTitle') : t('decoded.showRawTitle')} onClick={() => onRaw(!raw)}>
            {raw ? t('decoded.showDecoded') : t('decoded.showRaw')}
          </button>
        </p>
      )}
      {!decoded.problem && decoded.invalid && decoded.invalid.length > 0 && (
        <div className="detail-notice problem decoded-invalid" role="alert" data-testid={`${testId}-invalid`}>
          {t('decoded.failsSchema')}
          <pre>{describeViolations(decoded.invalid)}</pre>
        </div>
      )}
    </div>
  );
}

/**
 * A picture payload, shown from its own bytes through a blob: URL made in the page (never a
 * remote address); the URL is revoked when the bytes change or the view goes.
 */
export function PayloadImage({ bytes, mime, width, height, testId }: { bytes: Uint8Array; mime: string; width: number; height: number; testId: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime })), [bytes, mime]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const { t } = useTranslation('codecs');
  const [failed, setFailed] = useState(false);
  return (
    <figure className="payload-image" data-testid={testId}>
      {failed ? (
        <p className="detail-notice problem">{t('decoded.pictureFailed', { mime })}</p>
      ) : (
        <img src={url} alt={t('decoded.pictureAlt', { mime, width: String(width), height: String(height) })} width={width || undefined} height={height || undefined} onError={() => setFailed(true)} />
      )}
      <figcaption className="muted" data-testid={`${testId}-caption`}>
        {t('decoded.caption', { mime, width: String(width), height: String(height), size: formatBytes(bytes.byteLength) })}
      </figcaption>
    </figure>
  );
}
