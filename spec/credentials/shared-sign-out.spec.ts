/**
 * Sign-out holds on every replica (issue #11): two gateway apps sharing one Redis (`REDIS_URL`) and the same
 * `SESSION_KEYS`; a session signed out through one is refused by the other when a copy of its cookie turns up there.
 * Needs a real Redis server: TEST_REDIS_URL (`npm test` starts redis-server and sets it).
 */
import supertest from 'supertest';
import { SESSION_COOKIE } from '../../src/credentials/session';
import type { SecondReplica } from '../helpers/second-replica';
import { startSignInReplicas, type SignInReplicas, type SignInStack } from './sign-in-stack';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/with-redis';

describeWithRedis('sign-out shared by replicas through Redis', () => {
  let replicas: SignInReplicas;
  let signIn: SignInStack;
  let replicaB: SecondReplica['app'];

  beforeAll(async () => {
    replicas = await startSignInReplicas({ REDIS_URL: REDIS_URL! });
    ({ signIn } = replicas);
    replicaB = replicas.second.app;
  });
  afterAll(() => replicas?.close());

  test('a session signed out on one replica is refused on the other', async () => {
    const browser = signIn.browser();
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/login`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    const copy = browser.cookie(signIn.gatewayUrl, SESSION_COOKIE) ?? '';
    expect(copy).not.toBe('');
    const onB = () => supertest(replicaB).get('/odata/Me').set('Cookie', `${SESSION_COOKIE}=${copy}`);
    // The same SESSION_KEYS: the other replica opens the cookie.
    expect((await onB()).status).toBe(200);
    expect((await browser.navigate(`${signIn.gatewayUrl}/auth/logout`)).status).toBe(200);
    const replayed = await onB();
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.message).toContain('you signed out of this session');
  });
});
