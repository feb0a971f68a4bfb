import { create } from 'zustand';
import { PAYLOAD_SEARCH_MAX_IDS, PAYLOAD_SEARCH_MAX_TEXT } from '../../shared/contract';
import { getApi } from './api';
import type { RingMessage } from '../model/message-ring';
import { MESSAGE_CAPACITY } from './messages-store';

/** Previews that arrive close together are asked about in one request (they come in batches). */
const ASK_DELAY_MS = 150;
/** Answers kept per search: past two rings' worth, the oldest (long gone from the list) are forgotten. */
const MAX_ANSWERS = 2 * MESSAGE_CAPACITY;

type Answer = 'asking' | 'match' | 'no' | 'unsearched';

interface PayloadSearchState {
  /** Bumped when the current search learned something: the list then adds late matches. */
  version: number;
}

/** Re-renders the list and its status when an answer arrives; never set during a render. */
export const usePayloadSearchStore = create<PayloadSearchState>()(() => ({ version: 0 }));

/**
 * The live list's text filter over whole payloads, for one connection and one text. Live messages
 * carry at most a 4 KiB preview of their payload; for a previewed message whose preview lacks the
 * text, the matcher consults this search, which asks the host (messages.searchPayloads) about such
 * messages in debounced batches. A whole payload the host no longer holds cannot be searched: it is
 * counted, and the list says so.
 */
export class PayloadSearch {
  private readonly answers = new Map<number, Answer>();
  private queue: { id: number; seq: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Matches the host found, with the seq their message had then, in the order found. */
  private found: { id: number; seq: number }[] = [];
  /** How many entries were dropped from the front of `found` (positions stay absolute). */
  private foundDropped = 0;
  private isDisposed = false;
  /** Previews being asked about now. */
  asking = 0;
  /** Previews whose whole payload could not be searched (no longer held by the host). */
  unsearched = 0;

  constructor(
    readonly connectionId: string,
    readonly text: string,
  ) {}

  /** True when the message's whole payload is known to contain the text; otherwise false, and the host is asked. */
  consult(message: RingMessage): boolean {
    if (message.id === undefined) return false;
    const answer = this.answers.get(message.id);
    if (answer !== undefined) return answer === 'match';
    this.setAnswer(message.id, 'asking');
    this.asking++;
    this.queue.push({ id: message.id, seq: message.seq });
    this.timer ??= setTimeout(() => this.ask(), ASK_DELAY_MS);
    return false;
  }

  /** The matches found from absolute position `from` on, and the position to ask from next time. */
  foundSince(from: number): { found: readonly { id: number; seq: number }[]; next: number } {
    const start = Math.max(0, from - this.foundDropped);
    return { found: this.found.slice(start), next: this.foundDropped + this.found.length };
  }

  dispose(): void {
    this.isDisposed = true;
    clearTimeout(this.timer);
  }

  private setAnswer(id: number, answer: Answer): void {
    const previous = this.answers.get(id);
    if (previous === 'unsearched') this.unsearched--;
    if (answer === 'unsearched') this.unsearched++;
    this.answers.set(id, answer);
    if (this.answers.size <= MAX_ANSWERS) return;
    for (const [old, oldAnswer] of this.answers) {
      if (this.answers.size <= MAX_ANSWERS * 0.75) break;
      if (oldAnswer === 'asking') continue;
      if (oldAnswer === 'unsearched') this.unsearched--;
      this.answers.delete(old);
    }
  }

  private addFound(id: number, seq: number): void {
    this.found.push({ id, seq });
    if (this.found.length <= MAX_ANSWERS) return;
    // The list takes matches as they come, so the oldest were taken long ago.
    const drop = this.found.length - MAX_ANSWERS / 2;
    this.found = this.found.slice(drop);
    this.foundDropped += drop;
  }

  private ask(): void {
    this.timer = undefined;
    if (this.isDisposed) return;
    const queue = this.queue;
    this.queue = [];
    for (let start = 0; start < queue.length; start += PAYLOAD_SEARCH_MAX_IDS) {
      const chunk = queue.slice(start, start + PAYLOAD_SEARCH_MAX_IDS);
      void getApi()
        .messages.searchPayloads({ connectionId: this.connectionId, ids: chunk.map((entry) => entry.id), text: this.text })
        .then((result) => {
          if (this.isDisposed) return;
          // A failure (another window searching this connection for other text, the host gone)
          // leaves these previews unsearched: said, never passed off as "no match".
          const matched = new Set(result.ok ? result.value.matched : []);
          const unknown = new Set(result.ok ? result.value.unknown : chunk.map((entry) => entry.id));
          for (const { id, seq } of chunk) {
            if (matched.has(id)) this.addFound(id, seq);
            this.setAnswer(id, matched.has(id) ? 'match' : unknown.has(id) ? 'unsearched' : 'no');
          }
          this.asking -= chunk.length;
          usePayloadSearchStore.setState((state) => ({ version: state.version + 1 }));
        });
    }
  }
}

let current: PayloadSearch | null = null;

/**
 * The whole-payload search for the list's text filter on a connection, or null when there is no
 * text. The same one while connection and text stay; another replaces (and stops) it. Safe to call
 * during render: it changes no store.
 */
export function payloadSearchFor(connectionId: string | null, text: string): PayloadSearch | null {
  const wanted = connectionId !== null && text !== '' && text.length <= PAYLOAD_SEARCH_MAX_TEXT;
  if (wanted && current?.connectionId === connectionId && current.text === text) return current;
  current?.dispose();
  current = wanted ? new PayloadSearch(connectionId, text) : null;
  return current;
}
