/**
 * `nextLinkTarget` as a table: a link on the configured origin gives its path and query exactly as written (the
 * fragment dropped); anything else is refused with the reason. Links that start with the origin's exact spelling take
 * a path without URL parsing (issue #15), so the table holds both kinds, and links that only look like the origin.
 */
import { nextLinkTarget } from '../../src/bitbucket/next-link';

const ORIGIN = 'https://api.bitbucket.org';
const TARGET = "/2.0/repositories/w/r/commits?pagelen=100&fields=next%2Cvalues.hash&q=title~%22a''bc%22&page=a1b0";

describe('nextLinkTarget', () => {
  test.each([
    ['the origin as serialized', `${ORIGIN}${TARGET}`, TARGET],
    ['a fragment is not sent', `${ORIGIN}${TARGET}#x`, TARGET],
    ['the root path', `${ORIGIN}/`, '/'],
    ['non-ASCII and escapes kept as written', `${ORIGIN}/2.0/r?q=%C3%A9&x=é`, '/2.0/r?q=%C3%A9&x=é'],
    ['upper-case scheme and host (parsed)', `HTTPS://API.Bitbucket.org${TARGET}`, TARGET],
    ['the default port spelled out (parsed)', `https://api.bitbucket.org:443${TARGET}`, TARGET],
    ['a query without a path (parsed)', `${ORIGIN}?page=2`, '/?page=2'],
  ])('%s', (_, next, requestTarget) => {
    expect(nextLinkTarget(next, ORIGIN)).toEqual({ ok: true, requestTarget });
  });

  test.each([
    ['another host', 'https://evil.example/2.0/r', 'leaves https://api.bitbucket.org (for https://evil.example)'],
    ['the origin as userinfo of another host', `${ORIGIN}@evil.example/2.0/r`, 'leaves https://api.bitbucket.org (for https://evil.example)'],
    ['a longer host', `${ORIGIN}.evil.example/2.0/r`, 'leaves'],
    ['another port', `${ORIGIN}:8443/2.0/r`, 'leaves'],
    ['another scheme', 'http://api.bitbucket.org/2.0/r', 'leaves'],
    ['not absolute', '/2.0/r?page=2', 'not an absolute URL'],
    ['whitespace in the target', `${ORIGIN}/2.0/r?q=a b`, 'unescaped whitespace or control characters'],
    ['a control character in the target', `${ORIGIN}/2.0/r?q=a\u0001`, 'unescaped whitespace or control characters'],
    ['a tab in the target', `${ORIGIN}/2.0/r\t?page=2`, 'unescaped whitespace or control characters'],
  ])('refuses %s', (_, next, problem) => {
    const result = nextLinkTarget(next, ORIGIN);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });

  test('an origin with a port', () => {
    expect(nextLinkTarget('http://127.0.0.1:7812/2.0/r?page=2', 'http://127.0.0.1:7812')).toEqual({ ok: true, requestTarget: '/2.0/r?page=2' });
    expect(nextLinkTarget('http://127.0.0.1:78120/2.0/r?page=2', 'http://127.0.0.1:7812').ok).toBe(false);
    expect(nextLinkTarget('http://[::1]:7812/2.0/r', 'http://[::1]:7812')).toEqual({ ok: true, requestTarget: '/2.0/r' });
  });
});
