/**
 * Gateway keys across replicas (issue #14 item 4): two gateway apps sharing one Redis (`REDIS_URL`) and the same
 * `SESSION_KEYS`. A key created through one is listed and can be revoked through the other, never by another account;
 * a key renewed by one replica (Bitbucket rotates refresh tokens, so the refresh token sealed in the key is spent) keeps
 * working on the other, which takes the renewed tokens from Redis instead of failing once the sealed access token
 * expires; and Redis holds no key secret, no token in clear, no owner's account id.
 */
import supertest from 'supertest';
import Redis from 'ioredis';
import { DEMO_USER } from '../../sandbox/identities';
import { CookieSealer } from '../../src/credentials';
import { leakedCredentials } from '../helpers/known-credentials';
// A Redis of its own: the scan below must see only what this file's replicas wrote, not answers other spec files
// cached on the shared test server (a cached pull request names its author's account id, as Bitbucket's data does).
import { describeWithPrivateRedis, startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';
import type { SecondReplica } from '../helpers/second-replica';
import { connectorRefresh, sandboxControl } from './sandbox-oauth';
import { startSignInReplicas, type SignInReplicas, type SignInStack } from './sign-in-stack';
import type { Browser } from './browser';

interface CreatedKey {
  id: string;
  key: string;
}

describeWithPrivateRedis('gateway keys shared by replicas through Redis', () => {
  let privateRedis: PrivateRedis;
  let REDIS_URL: string;
  let replicas: SignInReplicas;
  let signIn: SignInStack;
  let replicaB: SecondReplica['app'];

  beforeAll(async () => {
    privateRedis = await startPrivateRedis();
    REDIS_URL = privateRedis.url;
    replicas = await startSignInReplicas({ REDIS_URL });
    ({ signIn } = replicas);
    replicaB = replicas.second.app;
  });
  afterAll(async () => {
    await replicas?.close();
    await privateRedis?.stop();
  });

  async function signedIn(sandboxUser?: string): Promise<Browser> {
    const browser = signIn.browser(sandboxUser ? { sandboxUser } : {});
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    return browser;
  }
  /** Created on replica A (the stack's gateway). */
  async function createKey(browser: Browser, label: string): Promise<CreatedKey> {
    const page = await browser.navigate(`${signIn.gatewayUrl}/auth/keys?label=${encodeURIComponent(label)}`, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(page.status).toBe(201);
    return JSON.parse(page.body) as CreatedKey;
  }
  /** The browser's session cookie, which replica B opens too (the same SESSION_KEYS). */
  const cookieOf = (browser: Browser) => browser.cookieHeader(`${signIn.gatewayUrl}/auth/keys`);
  const listedOn = async (app: 'A' | 'B', browser: Browser): Promise<string[]> => {
    const answer = app === 'A'
      ? await fetch(`${signIn.gatewayUrl}/auth/keys`, { headers: { Cookie: cookieOf(browser) } }).then(async (response) => ({ status: response.status, body: (await response.json()) as { value: Array<{ id: string }> } }))
      : await supertest(replicaB).get('/auth/keys').set('Cookie', cookieOf(browser)).then((response) => ({ status: response.status, body: response.body as { value: Array<{ id: string }> } }));
    expect(answer.status).toBe(200);
    return answer.body.value.map((entry) => entry.id);
  };
  const deleteOnB = (browser: Browser, id: string) => supertest(replicaB).delete(`/auth/keys/${id}`).set('Cookie', cookieOf(browser));
  const meWith = (app: 'A' | 'B', key: string) => (app === 'A' ? supertest(signIn.stack.app) : supertest(replicaB)).get('/odata/Me').query({ api_key: key });
  const sealedTokens = (key: string) => (new CookieSealer(signIn.stack.config.cookieKeys).open('gateway-key', key.slice('bbok_'.length)) as { tokens: { accessToken: string; refreshToken: string } }).tokens;
  async function tokenGrants(): Promise<number> {
    const calls = (await (await fetch(`${signIn.stack.sandboxUrl}/_sandbox/requests`)).json()) as Array<{ method: string; path: string; status: number }>;
    return calls.filter((call) => call.method === 'POST' && call.path === '/site/oauth2/access_token' && call.status === 200).length;
  }

  test('a key created on one replica is listed and revoked on the other; another account neither lists nor revokes it', async () => {
    const owner = await signedIn();
    const other = await signedIn('olga');
    const key = await createKey(owner, 'Listed everywhere');
    const theirs = await createKey(other, 'Olga on A');
    expect(await listedOn('B', owner)).toContain(key.id);
    expect(await listedOn('B', owner)).not.toContain(theirs.id);
    expect(await listedOn('B', other)).toContain(theirs.id);
    expect(await listedOn('B', other)).not.toContain(key.id);

    // Another account's DELETE, on either replica, is 404 and changes nothing.
    expect((await deleteOnB(other, key.id)).status).toBe(404);
    expect((await fetch(`${signIn.gatewayUrl}/auth/keys/${key.id}`, { method: 'DELETE', headers: { Cookie: cookieOf(other) } })).status).toBe(404);
    expect((await meWith('A', key.key)).status).toBe(200);
    expect(await listedOn('A', owner)).toContain(key.id);

    // The owner revokes on B, the replica that did not create the key.
    expect((await deleteOnB(owner, key.id)).status).toBe(204);
    expect(await listedOn('A', owner)).not.toContain(key.id);
    expect(await listedOn('B', owner)).not.toContain(key.id);
    for (const app of ['A', 'B'] as const) {
      const refused = await meWith(app, key.key);
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toContain('revoked');
    }
    // B spent the key's refresh chain at Bitbucket, though A created it.
    expect((await connectorRefresh(signIn.stack.sandboxUrl, sealedTokens(key.key).refreshToken)).status).toBe(400);
    // Revoking twice, on either replica: 404. Olga's key is untouched.
    expect((await deleteOnB(owner, key.id)).status).toBe(404);
    expect((await meWith('B', theirs.key)).status).toBe(200);
  });

  test('a key renewed on one replica keeps working on the other, which renews it in turn: one token grant per renewal', async () => {
    const key = await createKey(await signedIn(), 'Renewed on both');
    const sealed = sealedTokens(key.key);
    expect((await meWith('B', key.key)).status).toBe(200);
    const grants = await tokenGrants();

    signIn.clock.advance(3600 - 60); // the sandbox's tokens live 3600 s; renewal starts 5 minutes before
    await sandboxControl(signIn.stack.sandboxUrl, 'expire', sealed.accessToken);
    expect((await meWith('A', key.key)).status).toBe(200); // renewed on A: the sealed refresh token is spent
    expect(await tokenGrants()).toBe(grants + 1);
    signIn.clock.advance(120); // the sealed access token has expired too
    const onB = await meWith('B', key.key);
    expect(onB.status).toBe(200);
    expect(await tokenGrants()).toBe(grants + 1); // B took A's renewal from Redis

    signIn.clock.advance(3600);
    expect((await meWith('B', key.key)).status).toBe(200);
    expect(await tokenGrants()).toBe(grants + 2); // now B renewed
    expect((await meWith('A', key.key)).status).toBe(200);
    expect(await tokenGrants()).toBe(grants + 2); // and A took B's
  });

  test('two replicas renewing the same due key at once: Bitbucket grants one, the other takes that set from Redis', async () => {
    const key = await createKey(await signedIn(), 'Renewed at once');
    expect((await meWith('B', key.key)).status).toBe(200);
    const grants = await tokenGrants();
    signIn.clock.advance(3600 + 60); // past the sealed access token's expiry: neither replica can fall back on it
    const answers = await Promise.all([meWith('A', key.key), meWith('B', key.key)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await tokenGrants()).toBe(grants + 1);
    expect((await Promise.all([meWith('A', key.key), meWith('B', key.key)])).map((answer) => answer.status)).toEqual([200, 200]);
    expect(await tokenGrants()).toBe(grants + 1);
  });

  test('Redis holds ids, labels and dates of keys, and sealed tokens: never a key, a token in clear or an account id', async () => {
    const owner = await signedIn();
    const key = await createKey(owner, 'Scanned');
    signIn.clock.advance(3600 - 60);
    expect((await meWith('A', key.key)).status).toBe(200); // renewed: the renewed tokens are in Redis now
    const redis = new Redis(REDIS_URL);
    try {
      const names = await redis.keys('bbodata:*');
      const contents: string[] = [];
      for (const name of names) {
        const type = await redis.type(name);
        if (type === 'string') contents.push((await redis.getBuffer(name))?.toString('latin1') ?? '');
        if (type === 'hash') contents.push(...Object.entries(await redis.hgetallBuffer(name)).map(([field, value]) => `${field} ${value.toString('latin1')}`));
        if (type === 'zset') contents.push(...(await redis.zrange(name, 0, -1)));
      }
      const everything = `${names.join('\n')}\n${contents.join('\n')}`;
      expect(everything).toContain('Scanned');
      expect(everything).toContain(key.id);
      const sealed = sealedTokens(key.key);
      for (const secret of [key.key, key.key.slice('bbok_'.length, 40), sealed.accessToken, sealed.refreshToken]) expect(everything).not.toContain(secret);
      expect(everything).not.toContain(DEMO_USER.uuid);
      expect(leakedCredentials(everything)).toEqual([]);
      // The renewed tokens are there only sealed (AES-256-GCM under SESSION_KEYS): each value opens, none reads.
      const chains = Object.values(await redis.hgetall('bbodata:{records}:key-tokens'));
      expect(chains.length).toBeGreaterThan(0);
      for (const sealedSet of chains) expect(sealedSet.startsWith('v1.')).toBe(true);
    } finally {
      await redis.quit();
    }
  });
});
