import { Suspense, lazy, memo, useEffect, useMemo, useState } from 'react';
import { encodeHex } from '../../../shared/codecs/hex';
import { useConnectionsStore } from '../../stores/connections-store';
import type { RingMessage } from '../../model/message-ring';
import { useMessageViewStore } from '../../stores/message-view-store';
import { earlierOnTopic, messageBySeq } from '../../stores/messages-store';
import { usePlotsStore } from '../../stores/plots-store';
import { useTimeFormat, useUiStore } from '../../stores/ui-store';
import { useDarkMode } from '../../ui/theme';
import { displayPath, formatPath, numericLeaves } from '../../payload/json-paths';
import { numberAt, parsePayload } from '../../payload/numeric-value';
import type { NumberPicker } from './number-picker';
import { formatBytes, formatTime } from '../../payload/format';
import { type RenderedPayload, VIEW_MODES, type ViewMode, fullText, renderPayload, shouldWrap } from '../../payload/payload-view';
import { TYPED_MODES, isTypedMode, typedModeLabel } from '../../payload/typed-modes';
import { copyText } from '../../ui/clipboard';
import { MiddleCut } from '../../ui/middle-cut';
import { formatReading } from '../../ui/numbers';
import { formatNumber, translate, useTranslation } from '../../ui/i18n';
import { unitOf, withUnit } from '../../payload/units';
import { payloadFileName, saveBytes } from './save-payload';
import { deliveryFailure, downloadPayload, savesWithDialog, showInFolder } from '../../stores/downloads';
import { useFullPayload } from './full-payload';
import { DecodedBanner, PayloadImage, useDecodedPayload } from '../codecs';
import { decodeLive, useCodecsStore } from '../../stores/codecs-store';
import { filtersForTopic, parseDecoded } from '../../payload/decoded';

const PayloadMonaco = lazy(() => import('./payload-monaco'));
const PayloadDiff = lazy(() => import('./payload-diff'));

/** Earlier messages offered for a diff, newest first. */
const DIFF_CANDIDATES = 100;
/** Numbers a payload is searched for (a bound for huge payloads), and how many are listed at once. */
const NUMERIC_FIELDS = 5000;
const NUMERIC_ROWS = 40;
/** From this many numbers on, the list has a search field. */
const NUMERIC_SEARCH_FROM = 12;

/** Every MQTT 5 property the message carried, one line each (user properties in their order). */
function propertyLines(message: RingMessage): [string, string][] {
  const p = message.properties;
  if (!p) return [];
  const lines: [string, string][] = [];
  const t = (key: 'contentType' | 'payloadFormat' | 'bytes' | 'expiry' | 'responseTopic' | 'correlationData' | 'subscriptionIds' | 'topicAlias') => translate(`messages:property.${key}`);
  if (p.contentType !== undefined) lines.push([t('contentType'), p.contentType]);
  if (p.payloadFormatIndicator !== undefined) lines.push([t('payloadFormat'), p.payloadFormatIndicator ? 'UTF-8' : t('bytes')]);
  if (p.messageExpiryInterval !== undefined) lines.push([t('expiry'), translate('messages:property.seconds', { n: formatNumber(p.messageExpiryInterval) })]);
  if (p.responseTopic !== undefined) lines.push([t('responseTopic'), p.responseTopic]);
  if (p.correlationData !== undefined) lines.push([t('correlationData'), encodeHex(p.correlationData, ' ')]);
  if (p.subscriptionIdentifiers?.length) lines.push([t('subscriptionIds'), p.subscriptionIdentifiers.join(', ')]);
  if (p.topicAlias !== undefined) lines.push([t('topicAlias'), String(p.topicAlias)]);
  for (const { key, value } of p.userProperties ?? []) lines.push([key, value]);
  return lines;
}

function EditorLoading() {
  const { t } = useTranslation('messages');
  return <div className="detail-monaco loading">{t('detail.loadingViewer')}</div>;
}

/** Format names that are proper names (the same in every language); "Protobuf (raw)" is translated. */
const MODE_NAMES: Partial<Record<ViewMode, string>> = { json: 'JSON', base64: 'Base64', cbor: 'CBOR', msgpack: 'MessagePack', sparkplug: 'Sparkplug B' };
const modeName = (mode: ViewMode) => (mode === 'protobuf' ? translate('messages:detail.protobufRaw') : (MODE_NAMES[mode] ?? mode));

function modeLabel(mode: ViewMode, resolved: ViewMode): string {
  if (mode === 'auto') return translate('messages:detail.auto', { format: modeName(resolved) });
  if (isTypedMode(mode)) return typedModeLabel(mode);
  return modeName(mode);
}

/** Numbers in a JSON (or numeric) payload, each with a button that plots it over time. */
function NumericFields({ message, parsed }: { message: RingMessage; parsed: unknown }) {
  const { t } = useTranslation('messages');
  const addSeries = usePlotsStore((s) => s.addSeries);
  const [search, setSearch] = useState('');
  const leaves = useMemo(() => (parsed === undefined ? [] : numericLeaves(parsed, NUMERIC_FIELDS)), [parsed]);
  const needle = search.trim().toLowerCase();
  const matching = useMemo(() => (needle ? leaves.filter((leaf) => formatPath(leaf.path).toLowerCase().includes(needle)) : leaves), [leaves, needle]);
  if (leaves.length === 0) return null;
  const shown = matching.slice(0, NUMERIC_ROWS);
  const more = matching.length - shown.length;
  return (
    <aside className="detail-fields" data-testid="message-numeric-fields">
      <h3>
        {t('numbers.title')}{' '}
        <span className="muted" data-testid="numeric-fields-count" title={leaves.length >= NUMERIC_FIELDS ? t('numbers.onlyFirst', { n: formatNumber(NUMERIC_FIELDS) }) : undefined}>
          {shown.length === leaves.length
            ? formatNumber(leaves.length)
            : t('numbers.of', { shown: formatNumber(shown.length), total: leaves.length >= NUMERIC_FIELDS ? t('numbers.firstN', { n: formatNumber(NUMERIC_FIELDS) }) : formatNumber(leaves.length) })}
        </span>
      </h3>
      {leaves.length >= NUMERIC_SEARCH_FROM && (
        <input
          type="search"
          className="detail-fields-search"
          data-testid="numeric-fields-search"
          placeholder={t('numbers.find')}
          aria-label={t('numbers.findLabel')}
          value={search}
          spellCheck={false}
          onChange={(e) => setSearch(e.target.value)}
        />
      )}
      <ul>
        {shown.map((leaf) => {
          const path = formatPath(leaf.path);
          const shown = displayPath(leaf.path);
          return (
            <li key={path} data-testid="numeric-field" data-path={path}>
              <span className="detail-field-path" title={path}>
                {shown}
              </span>
              <span className="detail-field-value" title={String(leaf.value)}>
                {withUnit(formatReading(leaf.value), unitOf(parsed, leaf.path, message.topic, message.properties?.contentType))}
              </span>
              <button type="button" className="small" data-testid="plot-field" title={t('numbers.plotTitle', { path: shown, topic: message.topic })} onClick={() => addSeries(message.connectionId, message.topic, leaf.path)}>
                {t('numbers.plot')}
              </button>
            </li>
          );
        })}
      </ul>
      {more > 0 && (
        <p className="muted detail-fields-more" data-testid="numeric-fields-more">
          {t('numbers.more', { count: more })}
        </p>
      )}
      {matching.length === 0 && <p className="muted detail-fields-more">{t('numbers.noMatch')}</p>}
    </aside>
  );
}

/** `decoded`: this message as its rule decoded it (shown so): the earlier one is then compared decoded too. */
function DiffPane({ message, format, decoded, dark }: { message: RingMessage; format: RenderedPayload; decoded: RenderedPayload | null; dark: boolean }) {
  const { t } = useTranslation('messages');
  const candidates = useMemo(() => earlierOnTopic(message.connectionId, message.seq, message.topic, DIFF_CANDIDATES), [message]);
  const [againstSeq, setAgainstSeq] = useState<number | null>(null);
  const against = candidates.find((c) => c.seq === againstSeq) ?? candidates[0];
  const againstPayload = useFullPayload(against);
  const againstId = against?.id;
  const againstDecoded = useDecodedPayload(
    `diff:${message.connectionId}:${against?.seq ?? ''}`,
    decoded && against?.decoded && againstId !== undefined
      ? () => decodeLive(against.connectionId, againstId, against.topic, against.payloadSize === undefined ? against.payload : undefined, against.properties?.contentType)
      : null,
    decoded ? against?.decoded : undefined,
  );
  const leftDecoded = againstDecoded.state === 'none' ? undefined : (againstDecoded.decoded ?? undefined);
  if (!against || !againstPayload) {
    return (
      <p className="detail-notice" data-testid="message-diff-none">
        {t('diff.none')}
      </p>
    );
  }
  // Decoded against decoded when both were (the host's pretty text, 64-bit digits kept), else raw against raw.
  const useDecoded = decoded !== null && leftDecoded !== undefined && !leftDecoded.problem && !leftDecoded.image;
  const right = useDecoded ? decoded : format;
  const left: Pick<RenderedPayload, 'text' | 'language'> = useDecoded ? { text: leftDecoded.text, language: leftDecoded.json ? 'json' : 'plaintext' } : renderPayload(againstPayload.payload, format.format);
  return (
    <div className="detail-diff">
      <div className="detail-diff-bar">
        <label>
          {t('diff.compareWith')}{' '}
          <select data-testid="message-diff-against" value={against.seq} onChange={(e) => setAgainstSeq(Number(e.target.value))}>
            {candidates.map((c, i) => (
              <option key={c.seq} value={c.seq}>
                {i === 0 ? t('diff.previous') : t('diff.back', { n: String(i + 1) })} · {formatTime(c.timestamp)} · {formatBytes(c.payloadSize ?? c.payload.byteLength)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{t('diff.sides')}</span>
      </div>
      <Suspense fallback={<EditorLoading />}>
        <PayloadDiff original={left.text} modified={right.text} language={left.language === right.language ? right.language : 'plaintext'} dark={dark} />
      </Suspense>
    </div>
  );
}

/** The message the detail shows, held while it may already have left the live list. */
const heldMessage: { current: RingMessage | undefined } = { current: undefined };

/** The opened message's detail; its own store subscriptions, so a batch for the list does not re-render it. */
export const MessageDetail = memo(function MessageDetail() {
  const { t } = useTranslation('messages');
  const seq = useUiStore((s) => s.selectedSeq);
  const select = useUiStore((s) => s.selectMessage);
  const activeId = useConnectionsStore((s) => s.activeId);
  // The opened message stays open after it drops off the live list (under a firehose that takes a
  // second or two), so this does not re-render with every batch. Kept outside the component: the
  // detail is mounted again when it moves below the list or beside it.
  const held = heldMessage;
  const found = seq === null || !activeId ? undefined : messageBySeq(activeId, seq);
  if (found || seq === null || held.current?.seq !== seq || held.current.connectionId !== activeId) held.current = found;
  const message = held.current;
  if (!message) {
    return (
      <p className="empty" data-testid="message-detail-gone">
        {t('detail.gone')}
      </p>
    );
  }
  // Not keyed by message: opening another one keeps the Monaco editor (creating and disposing one
  // per click cost ~60 ms of a click-to-detail under a firehose in the UI bench profile).
  return <MessageDetailView message={message} onClose={() => select(null)} />;
});

/** The placement button's icons (its label says what it does). */
const ICON_BELOW = '⬓';
const ICON_BESIDE = '◨';

/** Moves the detail beside the list or below it (remembered). */
function PlacementToggle() {
  const placement = useUiStore((s) => s.detailPlacement);
  const setPlacement = useUiStore((s) => s.setDetailPlacement);
  const { t } = useTranslation('messages');
  const label = placement === 'beside' ? t('detail.placeBelow') : t('detail.placeBeside');
  return (
    <button type="button" className="icon-button" data-testid="message-detail-placement" data-placement={placement} aria-label={label} title={label} onClick={() => setPlacement(placement === 'beside' ? 'below' : 'beside')}>
      {placement === 'beside' ? ICON_BELOW : ICON_BESIDE}
    </button>
  );
}

function MessageDetailView({ message, onClose }: { message: RingMessage; onClose(): void }) {
  useTimeFormat();
  const { t } = useTranslation('messages');
  const dark = useDarkMode();
  const key = `${message.connectionId}:${message.seq}`;
  const messageMode = useMessageViewStore((s) => s.messageModes[key]);
  const topicMode = useMessageViewStore((s) => s.topicModes[message.topic]);
  const setMessageMode = useMessageViewStore((s) => s.setMessageMode);
  const setTopicMode = useMessageViewStore((s) => s.setTopicMode);
  const [showAll, setShowAll] = useState(false);
  const [diff, setDiff] = useState(false);
  const [raw, setRaw] = useState(false);
  const [status, setStatus] = useState<{ text: string; problem?: boolean; savedId?: string } | null>(null);
  // Another message: what was set for the previous one does not carry over.
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    setShowAll(false);
    setDiff(false);
    setStatus(null);
    setRaw(false);
  }
  const mode: ViewMode = messageMode ?? topicMode ?? 'auto';
  const full = useFullPayload(message)!;
  const payload = full.payload;
  const size = message.payloadSize ?? payload.byteLength;
  // A codec rule decoded it live: the whole decoded text comes from the host (issue 16).
  const liveDecoded = message.decoded;
  const messageId = message.id;
  const decodedState = useDecodedPayload(
    key,
    liveDecoded && messageId !== undefined ? () => decodeLive(message.connectionId, messageId, message.topic, message.payloadSize === undefined ? message.payload : undefined, message.properties?.contentType) : null,
    liveDecoded,
  );
  const decoded = decodedState.state === 'none' ? undefined : (decodedState.decoded ?? undefined);
  const showDecoded = decoded !== undefined && !decoded.problem && !raw;
  const decodedRendered = useMemo<RenderedPayload | null>(() => {
    if (!showDecoded || decoded.image) return null;
    const text = decoded.text.length > 256 * 1024 ? decoded.text.slice(0, 256 * 1024) : decoded.text;
    return {
      format: decoded.json ? 'json' : 'text',
      text,
      language: decoded.json ? 'json' : 'plaintext',
      ...(decoded.truncated || text.length < decoded.text.length ? { cut: t('detail.decodedCut') } : {}),
      canShowAll: false,
    };
  }, [showDecoded, decoded, t]);
  const payloadRendered = useMemo(() => renderPayload(payload, mode, showAll, message.topic), [payload, mode, showAll, message.topic]);
  const rendered = decodedRendered ?? payloadRendered;
  const openCodecs = useCodecsStore((s) => s.openDialog);
  const origin = useConnectionsStore((s) => s.origins[message.connectionId]);
  const onDecodeLike = () => {
    const choices = filtersForTopic(message.topic);
    openCodecs({ scope: origin?.profileId ? { kind: 'profile', profileId: origin.profileId } : { kind: 'global' }, seed: { filter: message.topic, choices } });
  };
  const wrap = useMemo(() => shouldWrap(rendered), [rendered]);
  const properties = propertyLines(message);
  // Numbers belong to text and JSON; in a hex dump or Base64 digits are not values.
  // Sparkplug B metrics are plotted by name (see parsePayload).
  const plottable = full.state === 'full' && (rendered.format === 'json' || rendered.format === 'text' || rendered.format === 'sparkplug');
  // Decoded JSON plots like a JSON payload.
  const parsed = useMemo(
    () => (decodedRendered ? parseDecoded(decoded) : plottable ? parsePayload(payload, message.topic) : undefined),
    [decodedRendered, decoded, plottable, payload, message.topic],
  );
  const addSeries = usePlotsStore((s) => s.addSeries);
  const numberPicker = useMemo<NumberPicker | undefined>(
    () =>
      parsed === undefined
        ? undefined
        : { canPick: (path) => numberAt(parsed, path) !== undefined, pick: (path) => addSeries(message.connectionId, message.topic, path) },
    [parsed, addSeries, message],
  );

  useEffect(() => {
    // A saved file's "Show in folder" stays until another message is opened.
    if (!status || status.savedId) return;
    const timer = setTimeout(() => setStatus(null), 2500);
    return () => clearTimeout(timer);
  }, [status]);

  const onMode = (next: ViewMode) => {
    setMessageMode(key, next);
    if (topicMode !== undefined) setTopicMode(message.topic, next);
  };

  const onCopy = async () => {
    const ok = await copyText(decodedRendered && decoded ? decoded.text : fullText(payload, rendered.format));
    setStatus(ok ? { text: t('detail.copied') } : { text: t('detail.copyFailed'), problem: true });
  };

  const onSave = async () => {
    const fileName = payloadFileName(message.topic, rendered.format);
    // A big payload (the list got a preview) or any payload on the desktop goes from the host to the
    // file: a browser download streamed by the host, or the desktop's save dialog.
    if (message.id !== undefined && (message.payloadSize !== undefined || savesWithDialog())) {
      const delivered = await downloadPayload(message.connectionId, message.id, fileName);
      if (delivered.kind === 'saved') return setStatus({ text: t('detail.savedAs', { file: delivered.fileName }), savedId: delivered.savedId });
      if (delivered.kind === 'downloaded') return setStatus({ text: t('detail.downloading', { file: delivered.fileName }) });
      if (delivered.kind === 'cancelled') return setStatus({ text: t('detail.notSaved') });
      return setStatus({ text: deliveryFailure(delivered), problem: true });
    }
    saveBytes(message.topic, payload, rendered.format);
    setStatus({ text: t('detail.saved') });
  };

  return (
    <section className="message-detail live-detail" data-testid="message-detail" data-format={rendered.format} data-decoded={showDecoded ? decoded.format : undefined}>
      <header>
        <MiddleCut className="message-detail-topic" text={message.topic} />
        <span className="muted">
          {message.direction === 'in' ? t('detail.received') : t('detail.published')} {formatTime(message.timestamp)}
          {t('detail.qos', { qos: String(message.qos) })}
          {message.retain ? t('detail.retained') : ''}
          {message.dup ? t('detail.dup') : ''} · {formatBytes(size)}
        </span>
        {status && (
          <span className={status.problem ? 'field-problem' : 'detail-status'} data-testid="message-detail-status" role="status">
            {status.text}
            {status.savedId && (
              <button type="button" className="small" data-testid="message-detail-show-in-folder" onClick={() => showInFolder(status.savedId!)}>
                {t('detail.showInFolder')}
              </button>
            )}
          </span>
        )}
        <select data-testid="message-detail-format" value={mode} title={showDecoded ? t('detail.formatDecodedTitle') : t('detail.formatTitle')} disabled={showDecoded} onChange={(e) => onMode(e.target.value as ViewMode)}>
          {VIEW_MODES.filter((m) => !isTypedMode(m)).map((m) => (
            <option key={m} value={m}>
              {modeLabel(m, rendered.format)}
            </option>
          ))}
          <optgroup label={t('detail.typedGroup')}>
            {TYPED_MODES.map((m) => (
              <option key={m} value={m}>
                {typedModeLabel(m)}
              </option>
            ))}
          </optgroup>
        </select>
        <label className="detail-remember" title={t('detail.rememberTitle')}>
          <input type="checkbox" data-testid="message-detail-remember" checked={topicMode !== undefined} onChange={(e) => setTopicMode(message.topic, e.target.checked ? mode : null)} />
          {t('detail.remember')}
        </label>
        <button type="button" className="small" data-testid="message-detail-decode-like" title={t('detail.decodeLikeTitle')} onClick={onDecodeLike}>
          {t('detail.decodeLike')}
        </button>
        <button type="button" className="small" data-testid="message-detail-diff" aria-pressed={diff} title={t('detail.diffTitle')} onClick={() => setDiff(!diff)}>
          {t('detail.diff')}
        </button>
        <button type="button" className="small" data-testid="message-detail-copy" disabled={full.state !== 'full'} title={t('detail.copyTitle')} onClick={() => void onCopy()}>
          {t('detail.copy')}
        </button>
        <button type="button" className="small" data-testid="message-detail-save" disabled={full.state !== 'full'} title={t('detail.saveTitle')} onClick={() => void onSave()}>
          {t('detail.save')}
        </button>
        <PlacementToggle />
        <button type="button" className="icon-button" data-testid="message-detail-close" aria-label={t('detail.close')} title={t('detail.close')} onClick={onClose}>
          ×
        </button>
      </header>
      {properties.length > 0 && (
        <dl className="message-properties" data-testid="message-detail-properties">
          {properties.map(([name, value], i) => (
            <div key={i} data-testid="message-detail-property">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {decoded && <DecodedBanner decoded={decoded} loading={decodedState.state === 'loading'} raw={raw} onRaw={setRaw} testId="message-detail-decoded" />}
      {rendered.problem && full.state !== 'loading' && (
        <p className="detail-notice problem" data-testid="message-detail-problem" role="alert">
          {rendered.problem}
        </p>
      )}
      {full.state === 'loading' && (
        <p className="detail-notice" data-testid="message-detail-loading">
          {t('detail.loadingWhole', { size: formatBytes(size), first: formatBytes(payload.byteLength) })}
        </p>
      )}
      {full.state === 'unavailable' && (
        <p className="detail-notice problem" data-testid="message-detail-unavailable" role="alert">
          {t('detail.unavailable', { first: formatBytes(payload.byteLength), size: formatBytes(size), reason: full.reason })}
        </p>
      )}
      {size === 0 && (
        <p className="detail-notice" data-testid="message-detail-empty">
          {t('detail.empty')}
        </p>
      )}
      {rendered.cut && (
        <p className="detail-notice" data-testid="message-detail-cut">
          {t('detail.cut', { cut: rendered.cut })}{' '}
          {rendered.canShowAll ? (
            <button type="button" className="link-button" data-testid="message-detail-show-all" onClick={() => setShowAll(true)}>
              {t('detail.showAll')}
            </button>
          ) : (
            t('detail.saveToSee')
          )}
        </p>
      )}
      <div className="detail-body">
        <div className="detail-editor">
          {diff ? (
            <DiffPane message={message} format={payloadRendered} decoded={decodedRendered} dark={dark} />
          ) : showDecoded && decoded.image ? (
            full.state === 'full' ? (
              <PayloadImage bytes={payload} mime={decoded.image.mime} width={decoded.image.width} height={decoded.image.height} testId="message-detail-image" />
            ) : (
              <p className="detail-notice">{t('detail.loadingPicture')}</p>
            )
          ) : (
            <Suspense fallback={<EditorLoading />}>
              <PayloadMonaco text={rendered.text} language={rendered.language} dark={dark} wrap={wrap} lineNumbers={rendered.format !== 'hex'} numberPicker={numberPicker} />
            </Suspense>
          )}
        </div>
        {parsed !== undefined && <NumericFields message={message} parsed={parsed} />}
      </div>
    </section>
  );
}
