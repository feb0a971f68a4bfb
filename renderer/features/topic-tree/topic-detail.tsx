import { formatCount, formatCountOf } from '../../ui/numbers';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { decodeUtf8Lenient } from '../../../shared/codecs/utf8';
import { type DeleteRetainedResult, fetchLastValue, lastMessageOf, peekTree, useTopicTreeStore } from '../../stores/topic-tree-store';
import { useMessagesStore } from '../../stores/messages-store';
import type { TopicNode } from '../../model/topic-tree';

/** What the detail decodes of a payload fetched from history: enough to read, bounded. */
const HISTORY_TEXT_BYTES = 64 * 1024;

const plural = formatCountOf;

/** Whether the node's last message is still in the live list (and so in the message detail). */
function useTopicMessageShown(connectionId: string, node: TopicNode | undefined): boolean {
  useMessagesStore((s) => s.version);
  return node !== undefined && lastMessageOf(connectionId, node) !== undefined;
}

/** The last message of a node whose message left the live list: fetched from history. */
function StoredValue({ connectionId, topic, preview }: { connectionId: string; topic: string; preview: string }) {
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
        {stored === null
          ? 'Its last message has left the live list; loading it from history…'
          : stored === 'none'
            ? 'Its last message has left the live list and history does not hold it: the preview below is what is known.'
            : `Its last message has left the live list: shown from history${stored.cut ? ' (first 64 KB)' : ''}.`}
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
          {topic === '' ? '(empty)' : topic}
        </span>
        <button
          type="button"
          className="small"
          data-testid="topic-delete-retained"
          ref={clearButton}
          disabled={retained === 0 || busy}
          title={
            retained === 0
              ? 'No retained message seen here on this connection (received with the retain flag, or published with Retain)'
              : 'Publish an empty retained message to each of them (Delete)'
          }
          onClick={() => onDeleteRequest(topic)}
        >
          Clear retained{retained > 0 ? ` (${formatCount(retained)})` : ''}
        </button>
      </header>
      <p className="muted topic-detail-stats" data-testid="topic-detail-stats">
        {plural(node.totalMessages, 'message')}
        {node.children ? ` · ${plural(node.subTopics, 'topic')} below` : ''}
        {node.hasValue ? ` · last ${formatCount(node.payloadSize)} B, QoS ${node.qos}` : ''}
        {node.retained ? ' · retained' : ''}
      </p>
      {confirming && (
        <div
          className="topic-confirm"
          role="alertdialog"
          aria-label="Clear retained messages (Esc cancels)"
          data-testid="topic-delete-confirm"
          ref={(element) => element?.scrollIntoView({ block: 'nearest' })}
          onKeyDown={onConfirmKeyDown}
        >
          <p>
            Clear {plural(retained, 'retained message')} {node.children ? 'at and below' : 'of'} <code>{topic}</code>? An empty retained message is
            published to {retained === 1 ? 'it' : 'each topic'} (QoS 1, so the broker confirms each); the broker then forgets {retained === 1 ? 'it' : 'them'}.
          </p>
          <div className="row-actions">
            <button type="button" className="danger" data-testid="topic-delete-confirm-button" disabled={busy} onClick={() => void confirm()}>
              {busy ? 'Clearing…' : `Clear ${plural(retained, 'message')}`}
            </button>
            <button type="button" data-testid="topic-delete-cancel" ref={cancelButton} disabled={busy} onClick={onDeleteDone}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {result && (
        <p className={result.failed ? 'field-problem' : 'muted'} data-testid="topic-delete-result">
          {result.failed ? `Cleared ${result.deleted}, ${result.failed} failed: ${result.error ?? 'unknown error'}` : `Cleared ${plural(result.deleted, 'retained message')}.`}
        </p>
      )}
      {node.hasValue &&
        (isShown ? (
          <p className="muted topic-detail-note" data-testid="topic-detail-note">
            Its last message is open in the message detail.
          </p>
        ) : (
          <StoredValue connectionId={connectionId} topic={topic} preview={node.preview} />
        ))}
    </section>
  );
}
