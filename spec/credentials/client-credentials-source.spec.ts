import { ODataError } from '../../src/odata/errors';
import { ClientCredentialsSource } from '../../src/credentials/service-credential-source';
import { TokenEndpointError } from '../../src/credentials/token-endpoint-client';
import { tokenSetFromGrant, type TokenSet } from '../../src/credentials/token-set';

class FakeTokenEndpoint {
  calls = 0;
  pending: Array<(tokens: TokenSet) => void> = [];
  failWith: Error | undefined;
  constructor(private readonly now: () => number) {}
  clientCredentials(): Promise<TokenSet> {
    this.calls += 1;
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(tokenSetFromGrant({ access_token: `token-${this.calls}`, expires_in: 3600, token_type: 'bearer' }, this.now()));
  }
}

function setup() {
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const endpoint = new FakeTokenEndpoint(clock.now);
  return { clock, endpoint, source: new ClientCredentialsSource(endpoint, clock.now) };
}

test('one fetch serves every request until five minutes before expiry', async () => {
  const { clock, endpoint, source } = setup();
  await expect(source.credential()).resolves.toEqual({ kind: 'bearer', token: 'token-1' });
  clock.advance(3600_000 - 300_001);
  await expect(source.credential()).resolves.toEqual({ kind: 'bearer', token: 'token-1' });
  clock.advance(1);
  await expect(source.credential()).resolves.toEqual({ kind: 'bearer', token: 'token-2' });
  expect(endpoint.calls).toBe(2);
});

test('concurrent requests share one in-flight fetch', async () => {
  const { endpoint, source } = setup();
  const credentials = await Promise.all([source.credential(), source.credential(), source.credential()]);
  expect(credentials.map((credential) => (credential.kind === 'bearer' ? credential.token : ''))).toEqual(['token-1', 'token-1', 'token-1']);
  expect(endpoint.calls).toBe(1);
});

test('a refused token is dropped; a refusal of an older token is ignored', async () => {
  const { endpoint, source } = setup();
  const first = await source.credential();
  source.refused({ kind: 'bearer', token: 'some-older-token' });
  expect(await source.credential()).toEqual(first);
  source.refused(first);
  expect(await source.credential()).toEqual({ kind: 'bearer', token: 'token-2' });
  expect(endpoint.calls).toBe(2);
});

test.each([
  { failure: 'a refused grant', error: new TokenEndpointError('unauthorized_client', 400, 'Only private consumers may use client credentials'), status: 502, code: 'UpstreamError' },
  { failure: 'an unreachable endpoint', error: new TokenEndpointError('unreachable', undefined, 'the connection failed'), status: 503, code: 'UpstreamUnavailable' },
])('$failure becomes $status $code, and the next request tries again', async ({ error, status, code }) => {
  const { endpoint, source } = setup();
  endpoint.failWith = error;
  const failure = await source.credential().catch((caught: unknown) => caught);
  expect(failure).toBeInstanceOf(ODataError);
  expect(failure).toMatchObject({ status, code });
  endpoint.failWith = undefined;
  await expect(source.credential()).resolves.toMatchObject({ kind: 'bearer' });
});
