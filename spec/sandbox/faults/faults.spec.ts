import { LISTING, rawGet, startFaultTestServer, type FaultTestServer } from './fault-test-app';

let sandbox: FaultTestServer | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(...args: Parameters<typeof startFaultTestServer>): Promise<FaultTestServer> {
  sandbox = await startFaultTestServer(...args);
  return sandbox;
}

describe('each fault kind', () => {
  it('answers normally with all faults off', async () => {
    const { baseUrl, sleeps } = await start();
    const outcome = await rawGet(`${baseUrl}/2.0/repositories`);
    expect(outcome).toMatchObject({ status: 200, ending: 'complete' });
    expect(JSON.parse(outcome.body)).toEqual(LISTING);
    expect(sleeps).toEqual([]);
  });

  it('latencyMs waits before answering', async () => {
    const { baseUrl, sleeps } = await start({ latencyMs: 250 });
    const outcome = await rawGet(`${baseUrl}/2.0/repositories`);
    expect(outcome.status).toBe(200);
    expect(sleeps).toEqual([250]);
  });

  it('errorRate answers 500, 502 or 503 in Bitbucket\'s error envelope', async () => {
    const { baseUrl } = await start({ errorRate: 1 });
    const statuses = new Set<number>();
    for (let index = 0; index < 30; index += 1) {
      const outcome = await rawGet(`${baseUrl}/2.0/repositories`);
      statuses.add(outcome.status ?? 0);
      expect(outcome.headers['x-sandbox-fault']).toBe('error');
      expect(JSON.parse(outcome.body)).toEqual({ type: 'error', error: { message: expect.any(String), detail: expect.stringContaining('errorRate') } });
    }
    expect([...statuses].sort()).toEqual([500, 502, 503]);
  });

  it('resetRate destroys the connection without an answer', async () => {
    const { baseUrl } = await start({ resetRate: 1 });
    expect(await rawGet(`${baseUrl}/2.0/repositories`)).toEqual({ headers: {}, body: '', ending: 'reset' });
  });

  it('truncateRate announces the full Content-Length, sends part of the JSON, then drops the connection', async () => {
    const { baseUrl } = await start({ truncateRate: 1 });
    const outcome = await rawGet(`${baseUrl}/2.0/repositories`);
    const fullLength = Buffer.byteLength(JSON.stringify(LISTING));
    expect(outcome.status).toBe(200);
    expect(outcome.ending).toBe('aborted');
    expect(outcome.headers['content-length']).toBe(String(fullLength));
    expect(outcome.headers['x-sandbox-fault']).toBe('truncate');
    expect(Buffer.byteLength(outcome.body)).toBeLessThan(fullLength);
    expect(JSON.stringify(LISTING).startsWith(outcome.body)).toBe(true);
    expect(() => JSON.parse(outcome.body)).toThrow();
  });

  it('truncateRate leaves non-JSON bodies whole', async () => {
    const { baseUrl } = await start({ truncateRate: 1 });
    expect(await rawGet(`${baseUrl}/2.0/text`)).toMatchObject({ status: 200, ending: 'complete', body: 'plain text is never truncated' });
  });

  it('leaves requests outside /2.0 alone', async () => {
    const { baseUrl } = await start({ errorRate: 1, resetRate: 1, latencyMs: 10 });
    const outcome = await rawGet(`${baseUrl}/site/elsewhere`);
    expect(outcome).toMatchObject({ status: 200, ending: 'complete' });
    expect(sandbox?.sleeps).toEqual([]);
  });
});

describe('deterministic randomness', () => {
  async function outcomes(seed: number): Promise<string[]> {
    const { baseUrl, close } = await startFaultTestServer({ errorRate: 0.3, resetRate: 0.2, truncateRate: 0.3 }, seed);
    const seen: string[] = [];
    for (let index = 0; index < 25; index += 1) {
      const outcome = await rawGet(`${baseUrl}/2.0/repositories`);
      seen.push(outcome.ending === 'complete' ? String(outcome.status) : outcome.ending);
    }
    await close();
    return seen;
  }

  it('meets the same faults for the same seed, and different ones for another seed', async () => {
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThanOrEqual(3);
    expect(await outcomes(8)).not.toEqual(first);
  });
});
