import type { InspectedPacket, MqttMessage } from '../../shared/contract';
import { runMenuCommand } from './menu-commands';
import { useDataSafetyStore } from './data-safety-store';
import { useRecoveryStore } from './recovery-store';
import type { Bridge } from '../bridge';
import { useBrokerStore } from './broker-store';
import { useCodecsStore } from './codecs-store';
import { useConnectionsStore } from './connections-store';
import { useHistoryStore } from './history-store';
import { useReplayStore } from './replay-store';
import { useInspectorStore } from './inspector-store';
import { useMessagesStore } from './messages-store';
import { usePlotsStore } from './plots-store';
import { useProfilesStore } from './profiles-store';
import { useRepeatStore } from './repeat-store';
import { useTopicTreeStore, watchTopicTrees } from './topic-tree-store';
import { useUiStore } from './ui-store';
import { useUpdatesStore } from './updates-store';

/** Flush at least this often even when no animation frame comes (hidden tabs pause rAF). */
const MAX_FLUSH_DELAY_MS = 250;
/** Packets queued between frames beyond this are dropped oldest first (the inspector ring is smaller). */
const PACKET_QUEUE_LIMIT = 5000;
/**
 * Under a firehose (more than BUSY_BATCH messages since the last flush) the stores re-render at
 * most every BUSY_INTERVAL_MS instead of every frame: ten renders a second of 1,200 messages each
 * cost far less than sixty of 200, and frames in between stay free for scrolling and clicks.
 */
const BUSY_BATCH = 100;
const BUSY_INTERVAL_MS = 100;
/**
 * ...and on a machine where those renders are slow, further apart: the interval stays at least
 * RENDER_SHARE times what the last list and tree renders took, so rendering keeps to a bounded
 * share of the main thread (up to MAX_BUSY_INTERVAL_MS, a list that still moves several times a second).
 */
const RENDER_SHARE = 8;
const MAX_BUSY_INTERVAL_MS = 300;

/** An average that follows the last few renders (one slow one, such as a GC, moves it a quarter). */
const smooth = (average: number, sample: number) => average + (sample - average) / 4;

/**
 * The one place host events enter the stores, outside React. A message batch is taken into the
 * stores' data as it arrives (the list's rings, the topic trees, plot buffers: cheap, and spread
 * over the socket's own tasks), while re-rendering is coalesced: the list at most once per
 * animation frame, the topic tree in the frame after it, so a firehose costs a few short renders a
 * second, never one per message or one long task for everything. Returns a disposer.
 */
export function startEventFeed(bridge: Bridge): () => void {
  let packets: InspectedPacket[] = [];
  let unpublished = 0;
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let treeFrame: number | undefined;
  let lastFlushAt = 0;
  let lastFlushSize = 0;
  /** Smoothed milliseconds of the last list and tree renders. */
  let listRenderMs = 0;
  let treeRenderMs = 0;

  function flush(): void {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = timer = undefined;
    if (packets.length > 0) {
      const batch = packets;
      packets = [];
      useInspectorStore.getState().append(batch);
    }
    if (unpublished === 0) return;
    const started = (lastFlushAt = performance.now());
    lastFlushSize = unpublished;
    unpublished = 0;
    useMessagesStore.getState().publish();
    usePlotsStore.getState().publish();
    // React renders a store update in a microtask queued by the set: this one runs after it.
    queueMicrotask(() => (listRenderMs = smooth(listRenderMs, performance.now() - started)));
    // The tree renders in the next frame, in a task of its own: one render of the list and the
    // tree together was the longest task of a busy frame.
    treeFrame ??= requestAnimationFrame(publishTree);
  }

  function publishTree(): void {
    treeFrame = undefined;
    const started = performance.now();
    useTopicTreeStore.getState().publishValues();
    queueMicrotask(() => (treeRenderMs = smooth(treeRenderMs, performance.now() - started)));
  }

  function take(messages: readonly MqttMessage[]): void {
    if (messages.length === 0) return;
    useMessagesStore.getState().ingest(messages);
    // After the list: the tree links each node to its last message's seq in the ring.
    useTopicTreeStore.getState().ingestBatch(messages);
    usePlotsStore.getState().ingest(messages);
    unpublished += messages.length;
    schedule();
  }

  function enqueuePackets(batch: readonly InspectedPacket[]): void {
    for (const packet of batch) packets.push(packet);
    // The inspector keeps a bounded ring per connection; never queue more than a few rings' worth.
    if (packets.length > 4 * PACKET_QUEUE_LIMIT) packets = packets.slice(packets.length - PACKET_QUEUE_LIMIT);
    schedule();
  }

  function requestFlush(): void {
    frame = requestAnimationFrame(flush);
    timer = setTimeout(flush, MAX_FLUSH_DELAY_MS);
  }

  function schedule(): void {
    if (frame !== undefined || timer !== undefined) return;
    const interval = Math.min(MAX_BUSY_INTERVAL_MS, Math.max(BUSY_INTERVAL_MS, RENDER_SHARE * (listRenderMs + treeRenderMs)));
    const wait = lastFlushSize > BUSY_BATCH ? lastFlushAt + interval - performance.now() : 0;
    if (wait <= 0) return requestFlush();
    timer = setTimeout(() => {
      timer = undefined;
      requestFlush();
    }, wait);
  }

  /**
   * Reads what the host holds after the link opens (page load, or the host back after a restart):
   * status events may have been missed while it was down. The connection header shows the
   * connections' state as unknown until their list is in (ui-store hostSynced).
   */
  async function resync(): Promise<void> {
    void useProfilesStore.getState().load();
    void useDataSafetyStore.getState().load();
    void useBrokerStore.getState().refresh();
    const result = await bridge.api.connections.list({});
    // The link may have dropped again meanwhile: then this list is not the truth either.
    if (!result.ok || useUiStore.getState().hostLink.state !== 'open') return;
    useConnectionsStore.getState().resync(result.value);
    useUiStore.getState().setHostSynced(true);
  }

  const disposers = [
    watchTopicTrees(),
    bridge.api.on('messages.batch', ({ messages }) => take(messages)),
    bridge.api.on('inspector.packets', ({ packets: batch }) => enqueuePackets(batch)),
    bridge.api.on('messages.dropped', ({ count }) => useMessagesStore.getState().noteDropped(count)),
    bridge.api.on('messages.repeatStatus', (status) => useRepeatStore.getState().apply(status)),
    bridge.api.on('broker.stats', (status) => useBrokerStore.getState().applyStats(status)),
    bridge.api.on('broker.changed', () => useBrokerStore.getState().changed()),
    bridge.api.on('app.menuCommand', ({ command }) => runMenuCommand(command)),
    bridge.api.on('app.recovered', (details) => useRecoveryStore.getState().setRecovered(details)),
    bridge.api.on('updates.state', (state) => useUpdatesStore.getState().setState(state)),
    bridge.api.on('history.damage', (damage) => {
      useDataSafetyStore.getState().setHistoryDamage(damage);
      void useHistoryStore.getState().loadStatus();
    }),
    bridge.api.on('history.exportProgress', (progress) => useHistoryStore.getState().applyExportProgress(progress)),
    bridge.api.on('codecs.ruleProblem', (event) => useCodecsStore.getState().noteRuleProblem(event)),
    bridge.api.on('history.replayProgress', (progress) => useReplayStore.getState().apply(progress)),
    bridge.api.on('connections.status', (summary) => {
      // The host sends messages before a status change; keep that order in the UI.
      flush();
      useConnectionsStore.getState().applyStatus(summary);
    }),
    bridge.onLink((link) => {
      useUiStore.getState().setHostLink(link);
      if (link.state === 'open') void resync();
    }),
  ];
  useUiStore.getState().setHostLink(bridge.link());
  // In Electron the link is open from the start and never changes: load what the link event would.
  if (bridge.link().state === 'open') void resync();

  return () => {
    flush();
    if (treeFrame !== undefined) cancelAnimationFrame(treeFrame);
    publishTree();
    for (const dispose of disposers) dispose();
  };
}
