/**
 * Where a gateway key arrives and how it leaves the URL (src/credentials/presented-key.ts), as a table: the query
 * parameter however its name is written (encoded, repeated, among others), the password of Basic, and the URLs that
 * carry none, which are left as they came, the same string (issue #15: they are read without being split). Through
 * HTTP the keys are exercised in spec/credentials/gateway-keys.spec.ts.
 */
import type { Request } from 'express';
import { takePresentedKey } from '../../src/credentials/presented-key';
import { GATEWAY_KEY_PREFIX } from '../../src/credentials/gateway-keys';

const KEY = `${GATEWAY_KEY_PREFIX}abc`;

/** The parts of an express request takePresentedKey reads: the URL below the mount, the whole URL and one header. */
function requestFor(originalUrl: string, authorization?: string): Request {
  const url = originalUrl.replace(/^\/odata/, '') || '/';
  return { originalUrl, url, get: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined) } as unknown as Request;
}

const cases: Array<{ url: string; authorization?: string; key?: string; via?: 'query' | 'basic'; left: string }> = [
  { url: '/odata/Commits', left: '/odata/Commits' },
  { url: '/odata/Commits?', left: '/odata/Commits?' },
  { url: "/odata/Commits?$filter=Workspace%20eq%20'acme'&$top=5", left: "/odata/Commits?$filter=Workspace%20eq%20'acme'&$top=5" },
  { url: '/odata/Commits?api_keys=1&my_api_key=2&api_key_=3&&', left: '/odata/Commits?api_keys=1&my_api_key=2&api_key_=3&&' },
  { url: '/odata/Commits?%zz=1&api%5Fkeys=2&$top=1', left: '/odata/Commits?%zz=1&api%5Fkeys=2&$top=1' },
  { url: `/odata/Commits?api_key=${KEY}`, key: KEY, via: 'query', left: '/odata/Commits' },
  { url: `/odata/Commits?$top=5&api_key=${KEY}&$skip=1`, key: KEY, via: 'query', left: '/odata/Commits?$top=5&$skip=1' },
  { url: `/odata/Commits?$top=5&api%5Fkey=${encodeURIComponent(KEY)}`, key: KEY, via: 'query', left: '/odata/Commits?$top=5' },
  { url: `/odata/Commits?$filter=a%20eq%201&api_key`, key: '', via: 'query', left: '/odata/Commits?$filter=a%20eq%201' },
  { url: `/odata/Commits?api_key=a+b`, key: 'a b', via: 'query', left: '/odata/Commits' },
  { url: '/odata/Commits?$top=1', authorization: `Basic ${Buffer.from(`anyone:${KEY}`).toString('base64')}`, key: KEY, via: 'basic', left: '/odata/Commits?$top=1' },
  { url: '/odata/Commits?$top=1', authorization: `Basic ${Buffer.from('me@example.com:api-token').toString('base64')}`, left: '/odata/Commits?$top=1' },
  { url: '/odata/Commits?$top=1', authorization: 'Bearer token', left: '/odata/Commits?$top=1' },
];

test.each(cases)('$url ($authorization)', ({ url, authorization, key, via, left }) => {
  const req = requestFor(url, authorization);
  const presented = takePresentedKey(req, 'api_key');
  expect(presented).toEqual(key === undefined ? undefined : { key, via });
  expect(req.originalUrl).toBe(left);
  expect(req.url).toBe(left.replace(/^\/odata/, '') || '/');
});

test('a key given twice, or with an Authorization header too, is refused with what to fix', () => {
  expect(() => takePresentedKey(requestFor(`/odata/Commits?api_key=${KEY}&api%5fkey=${KEY}`), 'api_key')).toThrow(/appears 2 times; give it once/);
  expect(() => takePresentedKey(requestFor(`/odata/Commits?api_key=${KEY}`, 'Bearer token'), 'api_key')).toThrow(/gateway key in api_key and an Authorization header/);
});

test('another parameter name set in API_KEY_PARAMETER is the one taken', () => {
  const req = requestFor(`/odata/Commits?api_key=kept&gw%2Dkey=${KEY}`);
  expect(takePresentedKey(req, 'gw-key')).toEqual({ key: KEY, via: 'query' });
  expect(req.originalUrl).toBe('/odata/Commits?api_key=kept');
});
