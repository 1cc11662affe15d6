/**
 * The memo of credentials Bitbucket refused (src/bitbucket/refused-credentials.ts) is asked before every attempt; its
 * key is an HMAC of the credential, derived only when some refusal is kept (issue #15: CPU per answer). What it answers
 * is unchanged: the refused credential gets its 401 again for a minute, any other none. The answers through HTTP are
 * in spec/http/refused-credential-memo.spec.ts.
 */
import { RefusedCredentials, REFUSED_CREDENTIAL_SECONDS } from '../../src/bitbucket/refused-credentials';
import { UpstreamError } from '../../src/bitbucket/upstream-error';
import type { UpstreamCredential } from '../../src/bitbucket/upstream-credential';

const refused: UpstreamCredential = { kind: 'bearer', token: 'refused-token' };
const other: UpstreamCredential = { kind: 'bearer', token: 'other-token' };
const unauthorized = new UpstreamError({ kind: 'unauthorized', status: 401, method: 'GET', url: 'https://api.bitbucket.org/2.0/user', attempts: 1, upstreamMessage: 'Token is invalid' });

function memo() {
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };
  const derived: string[] = [];
  const refusals = new RefusedCredentials({
    credentialKey: (credential) => {
      const key = credential.kind === 'bearer' ? `key of ${credential.token}` : undefined;
      if (key !== undefined) derived.push(key);
      return key;
    },
    now: () => clock.now,
  });
  return { clock, derived, refusals };
}

test('with nothing refused, no credential key is derived to ask the memo', () => {
  const { derived, refusals } = memo();
  for (let index = 0; index < 3; index++) expect(refusals.refusal(other, 'GET', '/2.0/repositories/acme')).toBeUndefined();
  expect(derived).toEqual([]);
});

test('once a credential is refused, the memo answers its 401 and derives keys to tell it from others', async () => {
  const { clock, derived, refusals } = memo();
  refusals.answered(refused, unauthorized);
  expect(derived).toEqual(['key of refused-token']);
  const again = refusals.refusal(refused, 'GET', '/2.0/repositories/acme');
  expect(again).toMatchObject({ kind: 'unauthorized', status: 401, attempts: 0, upstreamMessage: 'Token is invalid', url: '/2.0/repositories/acme' });
  expect(refusals.refusal(other, 'GET', '/2.0/repositories/acme')).toBeUndefined();
  expect(derived).toEqual(['key of refused-token', 'key of refused-token', 'key of other-token']);
  clock.now += REFUSED_CREDENTIAL_SECONDS * 1000 + 1;
  // lru-cache reads its clock again only after its ttlResolution (1 ms) of real time.
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(refusals.refusal(refused, 'GET', '/2.0/repositories/acme')).toBeUndefined();
});
