import { Trans, formatNumber, useTranslation } from '../../ui/i18n';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { decodeUtf8Lenient } from '../../../shared/codecs/utf8';
import { type DeleteRetainedResult, fetchLastValue, lastMessageOf, peekTree, useTopicTreeStore } from '../../stores/topic-tree-store';
import { useMessagesStore } from '../../stores/messages-store';
import type { TopicNode } from '../../model/topic-tree';

/** What the detail decodes of a payload fetched from history: enough to read, bounded. */
const HISTORY_TEXT_BYTES = 64 * 1024;

/** Whether the node's last message is still in the live list (and so in the message detail). */
function useTopicMessageShown(connectionId: string, node: TopicNode | undefined): boolean {
  useMessagesStore((s) => s.version);
  return node !== undefined && lastMessageOf(connectionId, node) !== undefined;
}

/** The last message of a node whose message left the live list: fetched from history. */
function StoredValue({ connectionId, topic, preview }: { connectionId: string; topic: string; preview: string }) {
  const { t } = useTranslation('topicTree');
  const [stored, setStored] = useState<{ text: string; cut: boolean } | 'none' | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void fetchLastValue(connectionId, topic).then((result) => {
      if (!isCurrent) return;
      const message = result.ok ? result.value.find((m) => m.direction === 'in') ?? result.value[0] : undefined;
      setStored(message ? { text: decodeUtf8Lenient(message.payload.subarray(0, HISTORY_TEXT_BYTES)), cut: message.payload.byteLength > HISTORY_TEXT_BYTES } : 'none');
    });
    return () => {
      isCurrent = false;
    };
  }, [connectionId, topic]);
  return (
    <div className="topic-detail-value" data-testid="topic-detail-value">
      <p className="muted topic-detail-note" data-testid="topic-detail-note">
        {stored === null ? t('detail.loading') : stored === 'none' ? t('detail.notStored') : stored.cut ? t('detail.fromHistoryCut') : t('detail.fromHistory')}
      </p>
      <pre>{stored && stored !== 'none' ? stored.text : preview}</pre>
    </div>
  );
}

export interface TopicDetailProps {
  connectionId: string;
  topic: string;
  deleting: boolean;
  onDeleteRequest(topic: string): void;
  onDeleteDone(): void;
}

/**
 * The selected node under the tree: its counts, where its last message shows, and deleting the
 * retained messages at and below it (after a confirmation that names how many).
 */
export function TopicDetail({ connectionId, topic, deleting, onDeleteRequest, onDeleteDone }: TopicDetailProps) {
  const { t } = useTranslation('topicTree');
  useTopicTreeStore((s) => s.version);
  const deleteRetained = useTopicTreeStore((s) => s.deleteRetained);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DeleteRetainedResult | null>(null);
  const tree = peekTree(connectionId);
  const node = tree?.find(topic);
  const isShown = useTopicMessageShown(connectionId, node);
  const clearButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const confirming = deleting && (node?.retainedTopics ?? 0) > 0;
  // The confirmation takes the focus (on its harmless button), so Esc and Tab work in it at once.
  useEffect(() => {
    if (confirming) cancelButton.current?.focus();
  }, [confirming]);
  if (!tree || !node) return null;
  const retained = node.retainedTopics;

  const confirm = async () => {
    setBusy(true);
    const outcome = await deleteRetained(connectionId, tree.retainedUnder(node));
    setBusy(false);
    setResult(outcome);
    onDeleteDone();
  };
  const onConfirmKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || busy) return;
    event.preventDefault();
    event.stopPropagation();
    onDeleteDone();
    clearButton.current?.focus();
  };

  return (
    <section className="topic-detail" data-testid="topic-detail" data-topic={topic}>
      <header>
        <span className="topic-detail-topic" title={topic}>
          {topic === '' ? t('empty') : topic}
        </span>
        <button
          type="button"
          className="small"
          data-testid="topic-delete-retained"
          ref={clearButton}
          disabled={retained === 0 || busy}
          title={retained === 0 ? t('detail.noRetainedTitle') : t('detail.clearRetainedTitle')}
          onClick={() => onDeleteRequest(topic)}
        >
          {retained > 0 ? t('detail.clearRetainedCount', { n: formatNumber(retained) }) : t('detail.clearRetained')}
        </button>
      </header>
      <p className="muted topic-detail-stats" data-testid="topic-detail-stats">
        {t('detail.messages', { count: node.totalMessages })}
        {node.children ? t('detail.topicsBelow', { count: node.subTopics }) : ''}
        {node.hasValue ? t('detail.last', { size: formatNumber(node.payloadSize), qos: String(node.qos) }) : ''}
        {node.retained ? t('detail.retained') : ''}
      </p>
      {confirming && (
        <div
          className="topic-confirm"
          role="alertdialog"
          aria-label={t('detail.confirmLabel')}
          data-testid="topic-delete-confirm"
          ref={(element) => element?.scrollIntoView({ block: 'nearest' })}
          onKeyDown={onConfirmKeyDown}
        >
          <p>
            <Trans t={t} i18nKey={node.children ? 'detail.confirmBelow' : 'detail.confirmOf'} count={retained} components={{ code: <code>{topic}</code> }} />
          </p>
          <div className="row-actions">
            <button type="button" className="danger" data-testid="topic-delete-confirm-button" disabled={busy} onClick={() => void confirm()}>
              {busy ? t('detail.clearing') : t('detail.clearN', { count: retained })}
            </button>
            <button type="button" data-testid="topic-delete-cancel" ref={cancelButton} disabled={busy} onClick={onDeleteDone}>
              {t('detail.cancel')}
            </button>
          </div>
        </div>
      )}
      {result && (
        <p className={result.failed ? 'field-problem' : 'muted'} data-testid="topic-delete-result">
          {result.failed
            ? t('detail.partial', { deleted: formatNumber(result.deleted), failed: formatNumber(result.failed), error: result.error ?? t('detail.unknownError') })
            : t('detail.cleared', { count: result.deleted })}
        </p>
      )}
      {node.hasValue &&
        (isShown ? (
          <p className="muted topic-detail-note" data-testid="topic-detail-note">
            {t('detail.openInDetail')}
          </p>
        ) : (
          <StoredValue connectionId={connectionId} topic={topic} preview={node.preview} />
        ))}
    </section>
  );
}
