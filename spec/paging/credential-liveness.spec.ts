/**
 * The in-process credential check of pages served without a Bitbucket call (`src/paging/credential-liveness.ts`):
 * a confirmation holds for the recheck time and for that credential only, even where the check reuses the hash of a
 * credential object it met before (one HMAC per request's object, issue #15). Over a clock the spec moves and a
 * counted `GET /user`; the walk through HTTP is spec/http/credential-liveness.spec.ts.
 */
import type { UpstreamCredential } from '../../src/bitbucket';
import { CredentialLiveness } from '../../src/paging/credential-liveness';

function bitbucket() {
  const calls: string[] = [];
  return {
    calls,
    client: {
      get: async <T>(_path: string, _query: unknown, credential: UpstreamCredential): Promise<T> => {
        calls.push(credential.kind === 'bearer' ? credential.token : credential.kind);
        return {} as T;
      },
    },
  };
}

describe('CredentialLiveness', () => {
  test('a confirmation holds for the recheck time, for the same credential in another object too', async () => {
    const clock = { now: 0 };
    const liveness = new CredentialLiveness(60, () => clock.now);
    const upstream = bitbucket();
    liveness.confirm({ kind: 'bearer', token: 'alice' });
    clock.now = 59_999;
    await liveness.assertLive({ kind: 'bearer', token: 'alice' }, upstream.client);
    expect(upstream.calls).toEqual([]);
    clock.now = 60_000;
    await liveness.assertLive({ kind: 'bearer', token: 'alice' }, upstream.client);
    expect(upstream.calls).toEqual(['alice']);
  });

  test('the hash kept for a credential object is never used for another credential, even in that object', async () => {
    const liveness = new CredentialLiveness(60, () => 0);
    const upstream = bitbucket();
    const credential = { kind: 'bearer', token: 'alice' } as { kind: 'bearer'; token: string };
    liveness.confirm(credential);
    await liveness.assertLive(credential, upstream.client);
    expect(upstream.calls).toEqual([]);
    credential.token = 'mallory';
    await liveness.assertLive(credential, upstream.client);
    expect(upstream.calls).toEqual(['mallory']);
    await liveness.assertLive({ kind: 'basic', username: 'alice', password: 'x' }, upstream.client);
    expect(upstream.calls).toEqual(['mallory', 'basic']);
  });
});
