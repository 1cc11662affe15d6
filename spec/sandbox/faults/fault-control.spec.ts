import { rawGet, startFaultTestServer, type FaultTestServer } from './fault-test-app';

let sandbox: FaultTestServer;
beforeEach(async () => {
  sandbox = await startFaultTestServer({}, 42);
});
afterEach(() => sandbox.close());

async function send(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('/_sandbox/faults', () => {
  it('shows the current settings and seed', async () => {
    expect(await send('GET', '/_sandbox/faults')).toEqual({ status: 200, body: { latencyMs: 0, errorRate: 0, resetRate: 0, truncateRate: 0, responseDelayMs: 0, webhookDropRate: 0, seed: 42 } });
  });

  it('changes faults at runtime, partially, and POST /reset turns them off', async () => {
    expect((await rawGet(`${sandbox.baseUrl}/2.0/repositories`)).status).toBe(200);
    const put = await send('PUT', '/_sandbox/faults', { errorRate: 1, latencyMs: 5 });
    expect(put).toEqual({ status: 200, body: { latencyMs: 5, errorRate: 1, resetRate: 0, truncateRate: 0, responseDelayMs: 0, webhookDropRate: 0, seed: 42 } });
    expect((await rawGet(`${sandbox.baseUrl}/2.0/repositories`)).status).toBeGreaterThanOrEqual(500);
    expect(sandbox.sleeps).toEqual([5]);
    expect((await send('POST', '/_sandbox/faults/reset')).body).toMatchObject({ errorRate: 0, latencyMs: 0 });
    expect((await rawGet(`${sandbox.baseUrl}/2.0/repositories`)).status).toBe(200);
  });

  it('restarts the fault sequence when given a seed', async () => {
    await send('PUT', '/_sandbox/faults', { errorRate: 0.5, seed: 99 });
    const first: number[] = [];
    for (let index = 0; index < 12; index += 1) first.push((await rawGet(`${sandbox.baseUrl}/2.0/repositories`)).status ?? 0);
    await send('PUT', '/_sandbox/faults', { seed: 99 });
    const second: number[] = [];
    for (let index = 0; index < 12; index += 1) second.push((await rawGet(`${sandbox.baseUrl}/2.0/repositories`)).status ?? 0);
    expect(second).toEqual(first);
    expect(new Set(first).has(200)).toBe(true);
  });

  it.each([
    { body: { errorRate: 1.5 }, error: 'errorRate must be a number from 0 to 1, got 1.5' },
    { body: { resetRate: -0.1 }, error: 'resetRate must be a number from 0 to 1, got -0.1' },
    { body: { latencyMs: 10.5 }, error: 'latencyMs must be an integer from 0 to 60000, got 10.5' },
    { body: { truncateRate: null }, error: 'truncateRate must be a number from 0 to 1, got null' },
    { body: { chaos: true }, error: 'Unknown setting "chaos": allowed are latencyMs, errorRate, resetRate, truncateRate, responseDelayMs, webhookDropRate, seed' },
    { body: [1], error: 'Send a JSON object with any of: latencyMs, errorRate, resetRate, truncateRate, responseDelayMs, webhookDropRate, seed' },
  ])('refuses $body and changes nothing', async ({ body, error }) => {
    const response = await send('PUT', '/_sandbox/faults', body);
    expect(response).toEqual({ status: 400, body: { errors: [error] } });
    expect((await send('GET', '/_sandbox/faults')).body).toMatchObject({ errorRate: 0, resetRate: 0, latencyMs: 0, truncateRate: 0 });
  });
});
