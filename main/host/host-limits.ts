/**
 * What the browser-mode host lets any one local process cost it. An outside probe found three
 * pages that stopped reading during a 1 KiB firehose took the host from 423 MB to 1.27 GB, and
 * ~20,000 idle TCP connections without a token exhausted its file descriptors (issue 13).
 */
export interface HostLimits {
  /** Unsent bytes queued for all UI sockets together, past which a socket that is behind gets no message batches. */
  maxQueuedBytes: number;
  /** Unsent bytes one UI socket may have queued before its message batches are dropped (it is told how many). */
  maxSocketQueuedBytes: number;
  /** While the total is over maxQueuedBytes, a socket with more than this queued counts as behind. */
  behindBytes: number;
  /**
   * A socket with this much unsent (responses and events that are never dropped) is closed: the
   * page reconnects and resyncs. Above the largest frame, so one big response alone never does it.
   */
  maxSocketControlBytes: number;
  /** TCP connections not (yet) an authenticated UI socket: static file requests, upgrades in progress, idle probes. */
  maxUnauthenticatedConnections: number;
  /** An unauthenticated connection with no request in progress for this long is closed. */
  idleTimeoutMs: number;
  /** GET /api/token-check answers at most this many requests in a burst (all callers together)... */
  tokenCheckBurst: number;
  /** ...refilled at this rate; past it the answer is 429 and the page tries its socket directly. */
  tokenChecksPerSecond: number;
}

const MB = 1024 * 1024;

export const DEFAULT_HOST_LIMITS: HostLimits = {
  maxQueuedBytes: 64 * MB,
  maxSocketQueuedBytes: 16 * MB,
  behindBytes: 4 * MB,
  maxSocketControlBytes: 160 * MB,
  maxUnauthenticatedConnections: 64,
  idleTimeoutMs: 5000,
  // A page checks at most once a second while its host is away; a few tabs fit many times over.
  tokenCheckBurst: 20,
  tokenChecksPerSecond: 5,
};
