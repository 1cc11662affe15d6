/**
 * The credential check of snapshot pages, shared by replicas (`src/paging/shared-credential-liveness.ts`): one
 * replica's confirmation spares the other its `GET /user` for CREDENTIAL_RECHECK_SECONDS, never longer; a credential
 * Bitbucket refuses gets 401; a store that fails costs the `GET /user`, never an unchecked page. Over the in-process
 * store (what Redis offers through the same interface) and a clock the spec moves; and a Redis that cannot be reached
 * makes the Redis snapshot store miss (the cursor continues) with a warning, never fail the page.
 */
import { UpstreamError, type UpstreamCredential } from '../../src/bitbucket';
import { createLogger } from '../../src/logger';
import { ODataError } from '../../src/odata/errors';
import { RedisPageSnapshots } from '../../src/paging/redis-page-snapshots';
import { SharedCredentialLiveness } from '../../src/paging/shared-credential-liveness';
import { MemoryStore, RedisStore, type SharedStore } from '../../src/storage';

const ALICE: UpstreamCredential = { kind: 'bearer', token: 'alice-token' };
const BOB: UpstreamCredential = { kind: 'basic', username: 'bob@example.com', password: 'bob-api-token' };
const SECRET = Buffer.alloc(32, 3);

/** `GET /user` as Bitbucket answers it: counted, and 401 for a revoked credential. */
function bitbucket(revoked: Set<UpstreamCredential> = new Set()) {
  const calls: UpstreamCredential[] = [];
  return {
    calls,
    client: {
      get: async <T>(_path: string, _query: unknown, credential: UpstreamCredential): Promise<T> => {
        calls.push(credential);
        if (revoked.has(credential)) throw new UpstreamError({ kind: 'unauthorized', method: 'GET', url: 'https://api.bitbucket.org/2.0/user', attempts: 1, status: 401 });
        return {} as T;
      },
    },
  };
}

function replicas(store: SharedStore, recheckSeconds = 60) {
  const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
  const make = () => new SharedCredentialLiveness({ store, secret: SECRET, recheckSeconds, now: () => clock.now });
  return { a: make(), b: make(), clock };
}

describe('SharedCredentialLiveness', () => {
  test("one replica's confirmation spares the other its GET /user for the recheck time, not a moment longer", async () => {
    const { a, b, clock } = replicas(new MemoryStore({ maxBytes: 1 << 20 }));
    const upstream = bitbucket();
    await a.confirm(ALICE);
    clock.now += 59_999;
    await b.assertLive(ALICE, upstream.client);
    expect(upstream.calls).toEqual([]);
    // Another credential is not confirmed by Alice's.
    await b.assertLive(BOB, upstream.client);
    expect(upstream.calls).toEqual([BOB]);
    clock.now += 1;
    await b.assertLive(ALICE, upstream.client);
    expect(upstream.calls).toEqual([BOB, ALICE]);
    // B's own check is recorded for A.
    await a.assertLive(ALICE, upstream.client);
    expect(upstream.calls).toEqual([BOB, ALICE]);
  });

  test('a credential Bitbucket refuses gets 401, and is not recorded as live', async () => {
    const { a, b } = replicas(new MemoryStore({ maxBytes: 1 << 20 }));
    const upstream = bitbucket(new Set([ALICE]));
    await expect(a.assertLive(ALICE, upstream.client)).rejects.toMatchObject({ code: 'Unauthorized', status: 401 } satisfies Partial<ODataError>);
    await expect(b.assertLive(ALICE, upstream.client)).rejects.toBeInstanceOf(ODataError);
    expect(upstream.calls).toEqual([ALICE, ALICE]);
  });

  test('recheck 0: every page asks Bitbucket', async () => {
    const { a, b } = replicas(new MemoryStore({ maxBytes: 1 << 20 }), 0);
    const upstream = bitbucket();
    await a.confirm(ALICE);
    await b.assertLive(ALICE, upstream.client);
    await b.assertLive(ALICE, upstream.client);
    expect(upstream.calls).toHaveLength(2);
  });

  test('the store keeps a keyed hash and a time, never the credential', async () => {
    const kept: string[] = [];
    const store = new MemoryStore({ maxBytes: 1 << 20 });
    const spy: SharedStore = Object.assign(Object.create(store) as SharedStore, {
      set: async (key: string, value: Buffer, ttl: number) => {
        kept.push(key, value.toString());
        return store.set(key, value, ttl);
      },
    });
    await replicas(spy).a.confirm(BOB);
    expect(kept).toHaveLength(2);
    for (const text of kept) for (const secret of ['bob@example.com', 'bob-api-token']) expect(text).not.toContain(secret);
  });
});

describe('a Redis that cannot be reached', () => {
  const lines: string[] = [];
  const logger = createLogger('warn', (line) => lines.push(line));
  // Nothing listens on port 1; ioredis gives up on a command after one reconnect attempt. A store per test: its
  // reconnect delays grow with the attempts.
  const stores: RedisStore[] = [];
  const unreachable = () => {
    const store = new RedisStore({ url: 'redis://127.0.0.1:1' });
    stores.push(store);
    return store;
  };
  // quit() would wait for a connection that never comes.
  afterAll(() => stores.forEach((store) => store.connection.redis.disconnect()));

  test('the snapshot is not kept and not found (the cursor continues), with a warning; never an error', async () => {
    const snapshots = new RedisPageSnapshots({ store: unreachable(), limits: { ttlSeconds: 300, maxRows: 100, maxTotalRows: 100 }, logger });
    expect(await snapshots.keep('B', 0, ['Id'], [{ Id: 1 }])).toBeUndefined();
    expect(await snapshots.read('AAAAAAAAAAAAAAAAAAAAAA', 'B', 0, 1)).toBeUndefined();
    expect(lines.filter((line) => line.includes('paging snapshot store failed'))).toHaveLength(2);
  });

  test('the credential check asks Bitbucket instead, with a warning', async () => {
    const upstream = bitbucket();
    const liveness = new SharedCredentialLiveness({ store: unreachable(), secret: SECRET, recheckSeconds: 60, logger });
    await liveness.confirm(ALICE);
    await liveness.assertLive(ALICE, upstream.client);
    expect(upstream.calls).toEqual([ALICE]);
    expect(lines.filter((line) => line.includes('credential liveness store failed')).length).toBeGreaterThanOrEqual(2);
  });
});
