/**
 * Gateway-key revocation holds on every replica (issues #11, #14): two gateway apps sharing one Redis (`REDIS_URL`)
 * and the same `SESSION_KEYS`; a key revoked through one is refused by the other at once, not only when its sealed
 * access token expires. Needs a real Redis server: TEST_REDIS_URL (`npm test` starts redis-server and sets it).
 */
import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { storeOf } from '../../src/app';
import type { SecondReplica } from '../helpers/second-replica';
import { startSignInReplicas, type SignInReplicas, type SignInStack } from './sign-in-stack';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/with-redis';

describeWithRedis('gateway-key revocation shared by replicas through Redis', () => {
  let replicas: SignInReplicas;
  let signIn: SignInStack;
  let replicaB: SecondReplica['app'];

  beforeAll(async () => {
    replicas = await startSignInReplicas({ REDIS_URL: REDIS_URL! });
    ({ signIn } = replicas);
    replicaB = replicas.second.app;
  });
  afterAll(() => replicas?.close());

  test('a key revoked on one replica is refused on the other, as a Web API key and as a Basic password; the store holds no key', async () => {
    const browser = signIn.browser();
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    const created = await browser.navigate(`${signIn.gatewayUrl}/auth/keys?label=Replicas`, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(created.status).toBe(201);
    const { id, key } = JSON.parse(created.body) as { id: string; key: string };
    const byParameter = () => supertest(replicaB).get('/odata/Me').query({ api_key: key });
    const byBasic = () => supertest(replicaB).get('/odata/Me').auth('powerbi', key);
    // The same SESSION_KEYS: the other replica opens the key.
    expect((await byParameter()).status).toBe(200);

    const revoked = await fetch(`${signIn.gatewayUrl}/auth/keys/${id}`, { method: 'DELETE', headers: { Cookie: browser.cookieHeader(`${signIn.gatewayUrl}/auth/keys`) } });
    expect(revoked.status).toBe(204);

    for (const replayed of [await byParameter(), await byBasic()]) {
      expect(replayed.status).toBe(401);
      expect(replayed.body.error.message).toContain('This gateway key was revoked');
      expect(replayed.text).not.toContain(key);
    }
    // Hashed ids only: the store holds a hash of the id, never the id or the key.
    const store = storeOf(replicaB);
    expect(await store.field('revoked-key', createHash('sha256').update(id).digest('base64url'))).toBeDefined();
    expect(await store.field('revoked-key', id)).toBeUndefined();
    expect(await store.field('revoked-key', key)).toBeUndefined();
  });
});
