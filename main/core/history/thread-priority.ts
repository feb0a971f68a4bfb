import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Niceness for background history threads: below the engine, the page and the broker, not idle-only. */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the CPU priority of the calling thread only (not the process), on Linux: a thread has its
 * own id (`/proc/thread-self` names it), and setpriority() on that id changes that thread alone.
 * Used by the full-text indexer and the integrity checker: work that may lag. Under a firehose
 * on two cores the indexer took a third of a core beside the host's main thread; at this priority
 * the live view and the message store get the CPU first, and the index catches up when load drops
 * (searches test unindexed messages directly meanwhile). Elsewhere (macOS, Windows: no per-thread
 * niceness through Node) it does nothing and says so.
 */
export function lowerThisThreadPriority(niceness = BACKGROUND_NICENESS): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, niceness);
    return true;
  } catch {
    // A container without /proc, or a policy that refuses: the thread keeps its priority.
    return false;
  }
}
