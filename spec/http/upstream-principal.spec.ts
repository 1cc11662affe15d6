import type { UpstreamCredential } from '../../src/bitbucket';
import { upstreamPrincipalResolver } from '../../src/http/upstream-principal';

const config = { skiptokenSecret: Buffer.alloc(32, 7), oauthClient: { id: 'consumer-id', secret: 'consumer-secret' } };

describe('upstreamPrincipalResolver', () => {
  it('derives a credential\'s principal once and reuses it for later calls with the same credential (#15.3)', () => {
    const principalOf = upstreamPrincipalResolver(config);
    const credential: UpstreamCredential = { kind: 'bearer', token: 'token-a' };
    const first = principalOf(credential);
    expect(principalOf(credential)).toBe(first);
    // What it is does not depend on the memo: a resolver that never saw the credential agrees.
    expect(upstreamPrincipalResolver(config)(credential)).toEqual(first);
  });

  it('derives it again when the same object now names another identity', () => {
    const principalOf = upstreamPrincipalResolver(config);
    const credential: { kind: 'bearer'; token: string } = { kind: 'bearer', token: 'token-a' };
    const before = principalOf(credential);
    credential.token = 'token-b';
    const after = principalOf(credential);
    expect(after.userKey).not.toBe(before.userKey);
    expect(after).toEqual(upstreamPrincipalResolver(config)({ kind: 'bearer', token: 'token-b' }));
  });

  it.each<[string, UpstreamCredential, boolean]>([
    ['bearer', { kind: 'bearer', token: 't' }, false],
    ['basic', { kind: 'basic', username: 'u', password: 'p' }, false],
    ['none', { kind: 'none' }, false],
  ])('%s: equal credentials in different objects have one principal', (_name, credential, shared) => {
    const principalOf = upstreamPrincipalResolver(config);
    const principal = principalOf(credential);
    expect(principalOf({ ...credential })).toEqual(principal);
    expect(principal.shared).toBe(shared);
    expect(principal.budgetKey).toBe(principal.userKey);
  });
});
