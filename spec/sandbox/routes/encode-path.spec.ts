import { encodePath } from '../../../sandbox/routes/present/present-context';

/** What links were built with before: each `/`-separated segment through encodeURIComponent. */
const bySegment = (path: string): string => path.split('/').map((s) => encodeURIComponent(s)).join('/');

describe('encodePath (sandbox links)', () => {
  it.each([
    '',
    '/',
    '/repositories/acme-dev/platform-api/pullrequests/12',
    '/users/{0f3c2a1e-1111-4222-8333-944455556666}',
    '/acme/repo/branch/feature/login',
    "/a b/c%d/e?f#g&h=i+j/k;l,m:n@o$p/-_.!~*'()",
    '/ünïcödé/日本/😀x😀/',
    '//double//slash//',
    '{}{}/[]/"<>\\^`|',
  ])('encodes %j as segment-by-segment encodeURIComponent does', (path) => {
    expect(encodePath(path)).toBe(bySegment(path));
  });

  it('throws on a lone surrogate, as encodeURIComponent does', () => {
    expect(() => encodePath('/a\uD800b')).toThrow(URIError);
    expect(() => bySegment('/a\uD800b')).toThrow(URIError);
  });

  it('agrees over every single code unit up to U+00FF and a sample beyond', () => {
    for (let code = 0; code < 0x3000; code += code < 0x100 ? 1 : 37) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const path = `/x${String.fromCharCode(code)}y/${String.fromCharCode(code)}`;
      expect(encodePath(path)).toBe(bySegment(path));
    }
  });
});
