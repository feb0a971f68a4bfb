import type { MqttMessage } from '../../shared/contract';
import type { RingMessage } from '../model/message-ring';
import type { MaybeDecoded } from './decoded';
import { decodeUtf8Lenient } from '../../shared/codecs/utf8';
import { topicFilterProblem, topicMatches } from '../../shared/mqtt/topic';

/** Which messages the list shows: all, only received ('in') or only sent ('out'). */
export type DirectionView = 'all' | 'in' | 'out';

export interface MessageFilter {
  direction: DirectionView;
  /** A subscription's topic filter (as subscribed, `$share/...` included), or '' for any. */
  subscription: string;
  /** An MQTT topic filter typed by the user (wildcards + and #), or '' for any. */
  topic: string;
  /** Case-insensitive text looked for in the topic and the payload (its decoded text too), or '' for any. */
  text: string;
  /** Only messages a codec rule's JSON Schema refused (issue 16). */
  onlyInvalid?: boolean;
}

export const NO_FILTER: MessageFilter = { direction: 'all', subscription: '', topic: '', text: '', onlyInvalid: false };

/**
 * Text search reads at most this much of each payload: a firehose of multi-MB payloads must not
 * turn one keystroke into gigabytes of decoding.
 */
export const TEXT_SEARCH_BYTES = 16 * 1024;

/** The filter a subscription matches with: a shared subscription `$share/group/f` matches as `f`. */
export function subscriptionTopicFilter(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const afterGroup = filter.indexOf('/', '$share/'.length);
  return afterGroup < 0 ? filter : filter.slice(afterGroup + 1);
}

/** Why the typed topic filter cannot be used, or null (an empty one means "any topic"). */
export function topicFilterInputProblem(topic: string): string | null {
  return topic === '' ? null : topicFilterProblem(topic);
}

export function isFilterActive(filter: MessageFilter): boolean {
  return filter.direction !== 'all' || filter.subscription !== '' || filter.topic !== '' || filter.text !== '' || filter.onlyInvalid === true;
}

/**
 * What the text test asks about a message that holds only a preview of its payload and whose
 * preview lacks the text: whether its whole payload has it (see stores/payload-search-store.ts).
 * False until the host has answered; the list adds a later match with FilteredIndex.include.
 */
export interface WholePayloadSearch {
  consult(message: RingMessage): boolean;
}

const isPreview = (message: MqttMessage): message is RingMessage => (message as RingMessage).payloadSize !== undefined;

/**
 * A predicate for the filter, or null when it lets everything through (the list then skips the
 * index). An invalid topic filter is ignored here; the UI shows why beside the input. The text test
 * comes last, so `whole` is asked only about messages every other test let through.
 */
export function createMatcher(filter: MessageFilter, whole: WholePayloadSearch | null = null): ((message: MqttMessage) => boolean) | null {
  const tests: ((message: MqttMessage) => boolean)[] = [];
  if (filter.direction !== 'all') tests.push((m) => m.direction === filter.direction);
  if (filter.subscription !== '') {
    const f = subscriptionTopicFilter(filter.subscription);
    // Only received messages come through a subscription.
    tests.push((m) => m.direction === 'in' && topicMatches(f, m.topic));
  }
  if (filter.topic !== '' && topicFilterProblem(filter.topic) === null) tests.push((m) => topicMatches(filter.topic, m.topic));
  if (filter.onlyInvalid) tests.push((m) => ((m as MaybeDecoded).decoded?.invalid?.length ?? 0) > 0);
  const needle = filter.text.toLowerCase();
  if (needle !== '') {
    tests.push(
      (m) =>
        m.topic.toLowerCase().includes(needle) ||
        // The decoded text as the views show it (a rule's JSON of a Protobuf payload, say).
        ((m as MaybeDecoded).decoded?.text.toLowerCase().includes(needle) ?? false) ||
        decodeUtf8Lenient(m.payload.subarray(0, TEXT_SEARCH_BYTES)).toLowerCase().includes(needle) ||
        (whole !== null && isPreview(m) && whole.consult(m)),
    );
  }
  if (tests.length === 0) return null;
  return (m) => tests.every((test) => test(m));
}

/** What the index needs of a ring: positional access, oldest first, with consecutive seqs. */
export interface SeqSource {
  readonly size: number;
  at(index: number): (MqttMessage & { seq: number }) | undefined;
}

/** Compact the array of matches once this many dead entries sit at its front. */
const COMPACT_AT = 4096;

/**
 * The seqs of the ring's messages that pass a filter, kept up to date incrementally: each message
 * is tested once when it arrives, and matches that fell off the ring are dropped from the front.
 * Bounded by the ring's capacity.
 */
export class FilteredIndex {
  private seqs: number[] = [];
  private head = 0;
  /** The highest seq tested so far (-1: none). */
  private scanned = -1;
  private epoch = -1;
  /** Matches that fell off the ring since the index was built: the list's row offset. */
  dropped = 0;

  constructor(readonly matcher: (message: MqttMessage) => boolean) {}

  get length(): number {
    return this.seqs.length - this.head;
  }

  seqAt(index: number): number | undefined {
    return index < 0 ? undefined : this.seqs[this.head + index];
  }

  /**
   * Adds matches found after their messages were tested (a whole payload searched by the host).
   * Seqs not tested yet are left to the matcher; ones already in the index are skipped. The caller
   * passes only seqs still in the ring.
   */
  include(seqs: readonly number[]): void {
    for (const seq of seqs) {
      if (seq > this.scanned) continue;
      // Binary search for the first kept seq >= this one.
      let low = this.head;
      let high = this.seqs.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (this.seqs[middle]! < seq) low = middle + 1;
        else high = middle;
      }
      if (this.seqs[low] !== seq) this.seqs.splice(low, 0, seq);
    }
  }

  /**
   * Brings the index up to date with `source`, testing only messages with seq < `until` (a paused
   * view passes the total it paused at). `epoch` changes when the ring is cleared (seqs restart).
   */
  sync(source: SeqSource, epoch: number, until = Number.POSITIVE_INFINITY): void {
    if (epoch !== this.epoch) this.reset(epoch);
    const oldest = source.at(0);
    if (!oldest) {
      this.dropped += this.length;
      this.seqs = [];
      this.head = 0;
      return;
    }
    while (this.head < this.seqs.length && this.seqs[this.head]! < oldest.seq) {
      this.head++;
      this.dropped++;
    }
    if (this.head >= COMPACT_AT) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
    const newest = oldest.seq + source.size - 1;
    const last = Math.min(newest, until - 1);
    for (let seq = Math.max(this.scanned + 1, oldest.seq); seq <= last; seq++) {
      const message = source.at(seq - oldest.seq);
      if (message && this.matcher(message)) this.seqs.push(seq);
    }
    this.scanned = Math.max(this.scanned, last);
  }

  private reset(epoch: number): void {
    this.epoch = epoch;
    this.seqs = [];
    this.head = 0;
    this.scanned = -1;
    this.dropped = 0;
  }
}
