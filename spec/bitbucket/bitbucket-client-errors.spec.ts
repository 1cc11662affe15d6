import zlib from 'node:zlib';
import { UpstreamError, type UpstreamErrorKind } from '../../src/bitbucket';
import { BEARER, makeHarness, rejectionOf, useLocalUpstream } from './support/client-harness';
import { bitbucketError } from './support/local-upstream';

describe('BitbucketClient error classification (real HTTP)', () => {
  // No retries here: each row is one answer and one classification.
  const local = useLocalUpstream({ maxRetries: 0 });
  const { upstream } = local;

  it.each<[number, UpstreamErrorKind]>([
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [405, 'bad-request'],
    [409, 'conflict'],
    [410, 'gone'],
    [411, 'bad-request'],
    [412, 'conflict'],
    [500, 'server-error'],
    [501, 'server-error'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'unavailable'],
    [302, 'bad-response'],
  ])('HTTP %i → %s, with Bitbucket\'s message and fields', async (status, kind) => {
    upstream.on('GET /2.0/repositories/acme/web', bitbucketError(status, { message: 'Something', detail: 'In detail', fields: { name: ['Required.'] } }));
    const error = await rejectionOf(local.harness.client.get('/repositories/acme/web', {}, BEARER));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      kind,
      status,
      method: 'GET',
      url: `${upstream.origin}/2.0/repositories/acme/web`,
      attempts: 1,
      upstreamMessage: 'Something: In detail',
      fields: { name: ['Required.'] },
    });
  });

  it('classifies by status, not by message text', async () => {
    upstream.on('GET /2.0/x', bitbucketError(403, { message: '404 Not Found' }));
    await expect(local.harness.client.get('/x', {}, BEARER)).rejects.toMatchObject({ kind: 'forbidden', upstreamMessage: '404 Not Found' });
  });

  it('exposes WWW-Authenticate so the gateway can forward the challenge', async () => {
    upstream.on('GET /2.0/user', (_req, res) => {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="bitbucket.org", error="invalid_token"').json({ type: 'error', error: { message: 'Access token expired.' } });
    });
    await expect(local.harness.client.get('/user', {}, BEARER)).rejects.toMatchObject({
      kind: 'unauthorized',
      wwwAuthenticate: 'Bearer realm="bitbucket.org", error="invalid_token"',
      upstreamMessage: 'Access token expired.',
    });
  });

  it('keeps an HTML error page out of the message', async () => {
    upstream.on('GET /2.0/x', (_req, res) => void res.status(404).type('html').send('<html>nope</html>'));
    const error = await rejectionOf(local.harness.client.get('/x', {}, BEARER));
    expect(error).toMatchObject({ kind: 'not-found', status: 404 });
    expect((error as UpstreamError).upstreamMessage).toBeUndefined();
  });

  it.each<[string, (res: import('express').Response) => void, RegExp]>([
    ['truncated JSON', (res) => void res.type('json').send('{"values":[{"id":1}'), /not valid JSON/],
    ['an empty body', (res) => void res.status(200).end(), /empty where JSON was expected/],
    ['corrupt gzip', (res) => void res.set({ 'content-type': 'application/json', 'content-encoding': 'gzip' }).send(Buffer.from('not gzip')), /could not be decompressed/],
    ['an unknown content encoding', (res) => void res.set({ 'content-type': 'application/json', 'content-encoding': 'zstd' }).send(Buffer.from('{}')), /unsupported Content-Encoding "zstd"/],
  ])('%s → bad-response, not retried', async (_name, respond, message) => {
    local.harness = makeHarness(upstream.origin, { maxRetries: 3 });
    upstream.on('GET /2.0/repositories/acme', (_req, res) => respond(res));
    const error = await rejectionOf(local.harness.client.get('/repositories/acme', {}, BEARER));
    expect(error).toMatchObject({ kind: 'bad-response', status: 200, attempts: 1 });
    expect((error as Error).message).toMatch(message);
    expect(upstream.requests).toHaveLength(1);
  });

  it('reads gzip-compressed JSON', async () => {
    upstream.on('GET /2.0/repositories/acme', (req, res) => {
      expect(req.headers['accept-encoding']).toBe('gzip, deflate');
      res.set({ 'content-type': 'application/json', 'content-encoding': 'gzip' }).send(zlib.gzipSync(JSON.stringify({ values: ['ü'] })));
    });
    await expect(local.harness.client.get('/repositories/acme', {}, BEARER)).resolves.toEqual({ values: ['ü'] });
  });

  it('refuses a body larger than maxResponseBytes, also after decompression', async () => {
    local.harness = makeHarness(upstream.origin, { maxResponseBytes: 1000 });
    upstream.on('GET /2.0/big', (_req, res) => void res.json({ values: 'x'.repeat(5000) }));
    upstream.on('GET /2.0/bomb', (_req, res) => {
      res.set({ 'content-type': 'application/json', 'content-encoding': 'gzip' }).send(zlib.gzipSync(JSON.stringify({ values: 'x'.repeat(100_000) })));
    });
    await expect(local.harness.client.get('/big', {}, BEARER)).rejects.toMatchObject({ kind: 'bad-response', transportCode: 'ERR_RESPONSE_TOO_LARGE', attempts: 1 });
    await expect(local.harness.client.get('/bomb', {}, BEARER)).rejects.toMatchObject({ kind: 'bad-response', status: 200 });
  });

  it('turns an unusable credential into an unauthorized error without sending anything', async () => {
    const error = await rejectionOf(local.harness.client.get('/user', {}, { kind: 'bearer', token: 'two words' }));
    expect(error).toMatchObject({ kind: 'unauthorized', attempts: 0 });
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain('two words');
    expect(upstream.requests).toHaveLength(0);
  });
});
