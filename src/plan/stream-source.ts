/**
 * The streams of a read in turn, known one by one as they are resolved (issue #15): an array given whole, or streams
 * whose parents are listed only as the read reaches them (`streamsInKeyOrder`). `readAhead` pulls the next streams
 * from here as far as the read is expected to go, so a parent list (the next workspace's repositories) is asked for
 * ahead of the reader but never further than the `$top` can still need.
 */
import type { StreamParams } from './resolve-streams';
import type { RowStream } from './row-stream';

export interface StreamSource {
  /** The streams resolved so far, in the read's order. */
  readonly known: readonly RowStream[];
  /** No stream follows the known ones. */
  readonly ended: boolean;
  /**
   * Resolves the next stream (which may list a parent: upstream calls); false when there is none. Pulls run one at a
   * time, in order. A pull that failed fails every later one the same way.
   */
  pull(): Promise<boolean>;
  /** The pull in progress, if any (its calls must be in before the answer goes out). */
  pending(): Promise<unknown> | undefined;
  /**
   * The first stream is read whole (not from a keyset cursor on), so its `size` is as good a guess of the next
   * streams' as any other's (`readAhead`).
   */
  readonly firstWhole: boolean;
  /**
   * Bitbucket's page size of the streams, given only for a read no `$top` bounds (its need is the answer page's
   * size): `readAhead` then reads a few streams ahead before any `size` is known.
   */
  readonly pagelen?: number;
  /**
   * Streams opened before their place in the read is known (`streamsOpenedEarly`: named by an upstream page of a
   * parent list still being read), in the order they were named; each is the very object `known` holds once its place
   * is. `readAhead` may read their first pages while the pull that lists them is under way.
   */
  readonly early?: EarlyStreams;
}

export interface EarlyStreams {
  /** Named and not yet placed, in the order named (a stream leaves once the source yields it). */
  readonly streams: ReadonlySet<RowStream>;
  /** `listener` is called after streams were added (one listener: the source's reader). */
  onAdded(listener: () => void): void;
}

export interface StreamSourceOptions {
  firstWhole?: boolean;
  pagelen?: number;
}

export function streamSource(streams: readonly RowStream[] | Iterable<RowStream> | AsyncIterable<RowStream>, options: StreamSourceOptions = {}): StreamSource {
  const firstWhole = options.firstWhole === true;
  const pagelen = options.pagelen !== undefined ? { pagelen: options.pagelen } : {};
  if (Array.isArray(streams)) return { known: streams as readonly RowStream[], ended: true, pull: async () => false, pending: () => undefined, firstWhole, ...pagelen };
  const iterator: AsyncIterator<RowStream> | Iterator<RowStream> =
    Symbol.asyncIterator in streams ? (streams as AsyncIterable<RowStream>)[Symbol.asyncIterator]() : (streams as Iterable<RowStream>)[Symbol.iterator]();
  const known: RowStream[] = [];
  let ended = false;
  let current: Promise<boolean> | undefined;
  let failure: { error: unknown } | undefined;
  const source: StreamSource = {
    known,
    get ended() {
      return ended;
    },
    pull() {
      if (failure) return Promise.reject(failure.error);
      if (ended) return Promise.resolve(false);
      current ??= (async () => {
        try {
          const next = await iterator.next();
          if (next.done) ended = true;
          else known.push(next.value);
          return !next.done;
        } catch (error) {
          failure = { error };
          throw error;
        } finally {
          current = undefined;
        }
      })();
      return current;
    },
    pending: () => current,
    firstWhole,
    ...pagelen,
  };
  return source;
}

/**
 * `count` streams known in the read's order but each opened (`open(index)`: constructed, no call yet) only when the
 * read first looks at it (issue #15.3): a continuation page of a walk over 171 repositories read one or two of them,
 * yet built all 171 streams (their upstream queries, bounds, held-page lookups) on every answer page. The list is
 * whole from the start (`ended`), so `readAhead` reaches exactly the streams, in exactly the order, an array of opened
 * streams gives it; `known[i]` opens stream `i` on first access, once.
 */
export function streamsOpenedWhenReached(count: number, open: (index: number) => RowStream, options: StreamSourceOptions = {}): StreamSource {
  const opened: RowStream[] = [];
  const known = new Proxy(opened, {
    get(target, key, receiver) {
      if (key === 'length') return count;
      if (typeof key === 'string' && key !== '') {
        const index = Number(key);
        if (Number.isInteger(index) && index >= 0 && index < count) return (target[index] ??= open(index));
      }
      return Reflect.get(target, key, receiver);
    },
  });
  return streamSource(known, options);
}

/**
 * Streams resolved as the read goes (`resolve`, e.g. `streamsInKeyOrder`), where `resolve` may name a stream before its
 * place is known (`early`): it is opened then, once (`open`; the same object is yielded at its place), and offered
 * to the reader as `StreamSource.early` (issue #15.5: the repositories of a workspace's first repository page are read
 * while its second page is fetched).
 */
export function streamsOpenedEarly(
  resolve: (early: (params: StreamParams) => void) => AsyncIterable<StreamParams>,
  open: (params: StreamParams) => RowStream,
  options: StreamSourceOptions = {},
): StreamSource {
  const opened = new Map<string, RowStream>();
  const openOnce = (params: StreamParams): RowStream => {
    const key = JSON.stringify(params);
    let stream = opened.get(key);
    if (!stream) opened.set(key, (stream = open(params)));
    return stream;
  };
  const streams = new Set<RowStream>();
  const placed = new WeakSet<RowStream>();
  let listener: (() => void) | undefined;
  const resolved = resolve((params) => {
    const stream = openOnce(params);
    if (placed.has(stream) || streams.has(stream)) return;
    streams.add(stream);
    listener?.();
  });
  async function* inOrder(): AsyncGenerator<RowStream> {
    for await (const params of resolved) {
      const stream = openOnce(params);
      placed.add(stream);
      streams.delete(stream);
      yield stream;
    }
  }
  const early: EarlyStreams = {
    streams,
    onAdded(added) {
      listener = added;
    },
  };
  return Object.assign(streamSource(inOrder(), options), { early });
}
