/**
 * Security state survives cache pressure (issue #14 item 4): with `REDIS_URL`, Redis under `maxmemory` evicts to make
 * room for the response cache, the list memo and paging snapshots. It must never evict a sign-out, a gateway-key
 * revocation or a user's key list: a replica that did not see the sign-out or the DELETE would accept the credential
 * again. Two gateway apps share a real Redis (a redis-server of this file's own, spec/helpers/private-redis.ts) set to
 * a small `maxmemory` and the policy the README recommends (`volatile-lru`: only keys with a lifetime are evicted); the
 * spec then fills Redis with cache-like entries (each with a lifetime, as the response cache writes them) until it
 * evicts, and replays the revoked credentials on the replica that did not revoke them.
 */
import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { storeOf } from '../../src/app';
import { SESSION_COOKIE } from '../../src/credentials/session';
import type { SecondReplica } from '../helpers/second-replica';
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';
import { startSignInReplicas, type SignInReplicas, type SignInStack } from './sign-in-stack';

/** Room for cache entries above what the server holds when the spec starts: small, so filling it takes ~100 writes. */
const ROOM_BYTES = 2 * 1024 * 1024;
const ENTRY_BYTES = 64 * 1024;

describeWithPrivateRedis('security state in Redis under cache pressure', () => {
  let replicas: SignInReplicas;
  let signIn: SignInStack;
  let second: SecondReplica;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // The response cache, the list memo and the budget on, as in production, so their keys are there to judge.
    replicas = await startSignInReplicas({ REDIS_URL: redis.url, UPSTREAM_CACHE_SECONDS: '60', UPSTREAM_BUDGET_PER_HOUR: '1000' });
    ({ signIn, second } = replicas);
  });
  afterAll(async () => {
    await replicas?.close();
    await redis?.stop();
  });

  const evicted = async () => Number(/evicted_keys:(\d+)/.exec(await redis.admin.info('stats'))?.[1] ?? 0);

  test('every key the gateway writes has a lifetime (volatile-lru may evict it), but the records (security state and the budget\'s tallies) and the snapshot index', async () => {
    const browser = signIn.browser();
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    const created = await browser.navigate(`${signIn.gatewayUrl}/auth/keys?label=Lifetimes`, { method: 'POST', headers: { Accept: 'application/json' } });
    const { id, key } = JSON.parse(created.body) as { id: string; key: string };
    // Reused answers, list memos, the budget's tallies (records, kept), a paging snapshot (an in-process order, paged) and
    // its walk.
    for (const url of ['/odata/Repositories', '/odata/Commits?$top=5', '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title']) {
      const answer = await supertest(second.app).get(url).query({ api_key: key }).set('Prefer', 'odata.maxpagesize=2');
      expect({ url, status: answer.status }).toEqual({ url, status: 200 });
    }
    const keysCookie = browser.cookieHeader(`${signIn.gatewayUrl}/auth/keys`);
    expect((await fetch(`${signIn.gatewayUrl}/auth/keys/${id}`, { method: 'DELETE', headers: { Cookie: keysCookie } })).status).toBe(204);
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/logout`)).status).toBe(200);
    const names = await redis.admin.keys('*');
    const lifetimes = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await redis.admin.pttl(name)] as const)));
    const kept = (name: string) => /^bbodata:\{records\}:/.test(name) || /^bbodata:\{psnap\}:(index|info)$/.test(name);
    expect(names.filter((name) => !kept(name) && lifetimes[name]! < 0)).toEqual([]);
    expect(names.filter((name) => kept(name) && lifetimes[name]! >= 0)).toEqual([]);
    // What the test wrote is there: reused answers, a snapshot, the records (the key list is gone with its one key).
    for (const kind of [/^bbodata:rc:/, /^bbodata:\{psnap\}:s:/, /^bbodata:\{records\}:signed-out$/, /^bbodata:\{records\}:revoked-key$/, /^bbodata:\{records\}:deadlines$/]) {
      expect(names.some((name) => kind.test(name))).toBe(true);
    }
  });

  test('a revoked key, a signed-out session and a key list stay as they were after Redis evicts cache entries; cache writes keep succeeding', async () => {
    const replicaB = second.app;
    const browser = signIn.browser();
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    const create = async (label: string) => {
      const created = await browser.navigate(`${signIn.gatewayUrl}/auth/keys?label=${label}`, { method: 'POST', headers: { Accept: 'application/json' } });
      expect(created.status).toBe(201);
      return JSON.parse(created.body) as { id: string; key: string };
    };
    const revoked = await create('Revoked');
    const kept = await create('Kept');
    const keysCookie = browser.cookieHeader(`${signIn.gatewayUrl}/auth/keys`);
    expect((await fetch(`${signIn.gatewayUrl}/auth/keys/${revoked.id}`, { method: 'DELETE', headers: { Cookie: keysCookie } })).status).toBe(204);

    // A second session, signed out on replica A; a copy of its cookie turns up at replica B later.
    const other = signIn.browser();
    expect((await other.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    const copy = other.cookie(signIn.gatewayUrl, SESSION_COOKIE) ?? '';
    expect(copy).not.toBe('');
    expect((await other.navigate(`${signIn.gatewayUrl}/auth/logout`)).status).toBe(200);

    const keyOnB = (key: string) => supertest(replicaB).get('/odata/Me').query({ api_key: key });
    const sessionOnB = () => supertest(replicaB).get('/odata/Me').set('Cookie', `${SESSION_COOKIE}=${copy}`);
    const listOnB = async () => ((await supertest(replicaB).get('/auth/keys').set('Cookie', keysCookie).expect(200)).body as { value: Array<{ id: string }> }).value.map(({ id }) => id);
    expect((await keyOnB(revoked.key)).status).toBe(401);
    expect((await sessionOnB()).status).toBe(401);
    expect(await listOnB()).toEqual([kept.id]);

    // Cache pressure: room for ~32 entries, ~128 written through replica B's store, as the response cache writes.
    const used = Number(/used_memory:(\d+)/.exec(await redis.admin.info('memory'))?.[1]);
    await redis.admin.config('SET', 'maxmemory', String(used + ROOM_BYTES), 'maxmemory-policy', 'volatile-lru');
    const before = await evicted();
    const store = storeOf(replicaB);
    for (let index = 0; index < (4 * ROOM_BYTES) / ENTRY_BYTES; index += 1) await store.set(`spec-fill:${index}`, randomBytes(ENTRY_BYTES), 300);
    expect(await evicted()).toBeGreaterThan(before + ROOM_BYTES / ENTRY_BYTES);

    const replayedKey = await keyOnB(revoked.key);
    expect(replayedKey.status).toBe(401);
    expect(replayedKey.body.error.message).toContain('This gateway key was revoked');
    const replayedSession = await sessionOnB();
    expect(replayedSession.status).toBe(401);
    expect(replayedSession.body.error.message).toContain('you signed out of this session');
    expect(await listOnB()).toEqual([kept.id]);
    expect((await keyOnB(kept.key)).status).toBe(200);
  });
});
