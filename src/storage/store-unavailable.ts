/**
 * The shared store failed a command: Redis refused it (an error reply: `OOM` under `maxmemory` with nothing it may
 * evict, `READONLY` on a replica, `NOAUTH`…), could not be reached (refused, reset, closed), or did not answer in time.
 * What the gateway keeps there decides requests (the budget per principal, revocations, gateway keys), so a request
 * that needs it fails, as a dependency failure that names the store and its failure (the http layer answers 503 with
 * Retry-After), never as an unexpected error, and never as "nothing stored" (which would let a revoked key in).
 *
 * The store is named by host and port only: REDIS_URL may carry a password (redis://:secret@host:6379), which never
 * reaches a message.
 */
export type StoreFailureKind = 'refused' | 'unreachable' | 'timeout';

export class StoreUnavailable extends Error {
  constructor(
    /** Where the store is, without credentials: `Redis at host:port`. */
    readonly store: string,
    readonly kind: StoreFailureKind,
    /** `read` or `write`: what was asked of it. */
    readonly operation: 'read' | 'write',
    /** What it answered or what failed (Redis's own error reply, the socket error, the wait). */
    readonly problem: string,
  ) {
    super(`the shared store (${store}) ${describeFailure(kind, operation, problem)}`);
    this.name = 'StoreUnavailable';
  }
}

/** `refused the write: OOM command not allowed…`, `could not be reached: connect ECONNREFUSED…`, `did not answer…`. */
export function describeFailure(kind: StoreFailureKind, operation: 'read' | 'write', given: string): string {
  // Redis ends some replies with a period (`…> 'maxmemory'.`); the messages this goes into add their own.
  const problem = given.replace(/\.\s*$/, '');
  switch (kind) {
    case 'refused':
      return `refused the ${operation}: ${problem}`;
    case 'unreachable':
      return `could not be reached: ${problem}`;
    case 'timeout':
      return `did not answer a ${operation} in time: ${problem}`;
  }
}

/**
 * `Redis at host:port` for a REDIS_URL, with no user name, password or database: what messages and /health may show.
 * A URL that does not parse is named only as REDIS_URL (its text may hold a password).
 */
export function redisLocation(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || '6379';
    return `Redis at ${parsed.hostname}:${port}${parsed.protocol === 'rediss:' ? ' (TLS)' : ''}`;
  } catch {
    return 'Redis (REDIS_URL)';
  }
}
