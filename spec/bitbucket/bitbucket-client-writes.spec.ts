import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BEARER, makeHarness, rejectionOf, useLocalUpstream } from './support/client-harness';
import { bitbucketError, inSequence, json, resetConnection, silence } from './support/local-upstream';
import type { UpstreamBudgetGate } from '../../src/bitbucket';

describe('BitbucketClient.send (real HTTP)', () => {
  const local = useLocalUpstream();
  const { upstream } = local;

  it('sends a JSON body and returns status, body and headers', async () => {
    upstream.on('POST /2.0/repositories/acme/web/pullrequests', (req, res) => {
      res.status(201).set('Location', '/2.0/repositories/acme/web/pullrequests/7').json({ id: 7, title: JSON.parse(String(req.body)).title });
    });
    const result = await local.harness.client.send<{ id: number; title: string }>('POST', '/repositories/acme/web/pullrequests', { title: 'Zoë "quoted"' }, BEARER);
    expect(result).toMatchObject({ status: 201, body: { id: 7, title: 'Zoë "quoted"' }, headers: { location: '/2.0/repositories/acme/web/pullrequests/7' } });
    const [request] = upstream.requests;
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify({ title: 'Zoë "quoted"' }))));
  });

  it('sends Content-Length: 0 for a write without body and returns undefined for a 204', async () => {
    upstream.on('DELETE /2.0/repositories/acme/web/pullrequests/7/approve', (_req, res) => void res.status(204).end());
    const result = await local.harness.client.send('DELETE', '/repositories/acme/web/pullrequests/7/approve', undefined, BEARER, { query: { note: 'a+b' } });
    expect(result).toEqual({ status: 204, body: undefined, headers: expect.any(Object) });
    expect(upstream.requests[0]?.headers['content-length']).toBe('0');
    expect(upstream.requests[0]?.rawUrl).toBe('/2.0/repositories/acme/web/pullrequests/7/approve?note=a%2Bb');
  });

  it('never retries a POST whose connection was reset: outcome unknown, one request seen', async () => {
    upstream.on('POST /2.0/repositories/acme/web/pullrequests', resetConnection);
    const error = await rejectionOf(local.harness.client.send('POST', '/repositories/acme/web/pullrequests', { title: 't' }, BEARER));
    expect(error).toMatchObject({ kind: 'network', outcomeUnknown: true, attempts: 1, method: 'POST' });
    expect((error as Error).message).toMatch(/may or may not have been applied/);
    expect(upstream.requests).toHaveLength(1);
  });

  it('never retries a POST that timed out', async () => {
    local.harness = makeHarness(upstream.origin, { timeoutMs: 50 });
    upstream.on('POST /2.0/x', silence);
    await expect(local.harness.client.send('POST', '/x', {}, BEARER)).rejects.toMatchObject({ kind: 'timeout', outcomeUnknown: true, attempts: 1 });
    expect(upstream.requests).toHaveLength(1);
  });

  it('never retries a POST answered 503, and says the outcome is unknown', async () => {
    upstream.on('POST /2.0/x', bitbucketError(503, { message: 'down' }));
    await expect(local.harness.client.send('POST', '/x', {}, BEARER)).rejects.toMatchObject({ kind: 'unavailable', outcomeUnknown: true, attempts: 1 });
  });

  it('retries a write the caller marked idempotent', async () => {
    upstream.on('PUT /2.0/x', inSequence(resetConnection, json({ ok: true })));
    await expect(local.harness.client.send('PUT', '/x', { a: 1 }, BEARER, { idempotent: true })).resolves.toMatchObject({ status: 200, body: { ok: true } });
    expect(upstream.requests.map((request) => request.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('does retry a POST after a 429 with a short Retry-After (refused, not processed)', async () => {
    upstream.on('POST /2.0/x', inSequence((_req, res) => void res.status(429).set('Retry-After', '1').type('text/plain').send('slow down'), json({ ok: true }, 201)));
    await expect(local.harness.client.send('POST', '/x', {}, BEARER)).resolves.toMatchObject({ status: 201 });
    expect(upstream.requests).toHaveLength(2);
  });

  it('a 4xx write error carries Bitbucket\'s field messages and is not "outcome unknown"', async () => {
    upstream.on('POST /2.0/x', bitbucketError(400, { message: 'Bad request', fields: { source: ['This field is required.'] } }));
    const error = await rejectionOf(local.harness.client.send('POST', '/x', {}, BEARER));
    expect(error).toMatchObject({ kind: 'bad-request', fields: { source: ['This field is required.'] } });
    expect((error as { outcomeUnknown?: boolean }).outcomeUnknown).toBeUndefined();
  });

  it('retries a POST whose connection was refused (nothing was sent)', async () => {
    // A port that was just released: connecting to it is refused, so the request never left.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    local.harness = makeHarness(`http://127.0.0.1:${port}`);
    const error = await rejectionOf(local.harness.client.send('POST', '/x', {}, BEARER));
    expect(error).toMatchObject({ kind: 'network', transportCode: 'ECONNREFUSED', attempts: 3 });
    expect((error as { outcomeUnknown?: boolean }).outcomeUnknown).toBeUndefined();
  });

  it('answers a write Bitbucket applied even when the budget cannot note its answer afterwards (store away): counted as lost, never a retry', async () => {
    let lost = 0;
    const storeAway = new Error('the shared store (Redis at 127.0.0.1:6399) could not be reached: connect ECONNREFUSED');
    const budget: UpstreamBudgetGate = { beforeAttempt: async () => undefined, afterAnswer: async () => Promise.reject(storeAway), lostAfterWrite: () => void (lost += 1) };
    local.harness = makeHarness(upstream.origin, { budget });
    upstream.on('POST /2.0/x', json({ id: 1 }, 201));
    upstream.on('GET /2.0/x', json({ id: 1 }));
    await expect(local.harness.client.send('POST', '/x', {}, BEARER)).resolves.toMatchObject({ status: 201, body: { id: 1 } });
    expect({ lost, sent: upstream.requests.length }).toEqual({ lost: 1, sent: 1 });
    // A read still fails with the store: answering it again is harmless.
    await expect(local.harness.client.get('/x', {}, BEARER)).rejects.toBe(storeAway);
    expect(lost).toBe(1);
  });
});
