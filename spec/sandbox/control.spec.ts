import type { RunningSandbox } from '../../sandbox/app';
import { AS_DEMO, getJson, startTestSandbox } from './sandbox-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('/_sandbox controls', () => {
  it('health', async () => {
    expect(await getJson(`${sandbox.url}/_sandbox/health`)).toEqual({ status: 200, body: { status: 'ok', size: 'default', seed: 20260825 } });
  });

  it('records /2.0 requests with repeated query keys as arrays, the status and the rate key, never a secret', async () => {
    await fetch(`${sandbox.url}/_sandbox/requests`, { method: 'DELETE' });
    await getJson(`${sandbox.apiUrl}/repositories/acme-dev/platform-api/pullrequests?state=OPEN&state=MERGED&pagelen=5`);
    await getJson(`${sandbox.apiUrl}/nope`);
    const { body } = await getJson(`${sandbox.url}/_sandbox/requests`);
    const entries = body as unknown as Array<Record<string, unknown>>;
    expect(entries).toEqual([
      { seq: 1, method: 'GET', path: '/2.0/repositories/acme-dev/platform-api/pullrequests', query: { state: ['OPEN', 'MERGED'], pagelen: '5' }, status: 200, rateKey: expect.stringContaining('{') },
      { seq: 2, method: 'GET', path: '/2.0/nope', query: {}, status: 404, rateKey: expect.any(String) },
    ]);
    expect(JSON.stringify(entries)).not.toContain(AS_DEMO.authorization.slice(7));
    expect((await fetch(`${sandbox.url}/_sandbox/requests`, { method: 'DELETE' })).status).toBe(204);
    expect((await getJson(`${sandbox.url}/_sandbox/requests`)).body).toEqual([]);
  });

  it('reset restores the seed exactly', async () => {
    const before = JSON.stringify(sandbox.store.data);
    const repo = sandbox.store.repositories[0];
    repo.pullRequests[0].title = 'changed by a write';
    repo.branches.push({ name: 'feature/new', targetHash: repo.commits[0].hash });
    expect(JSON.stringify(sandbox.store.data)).not.toBe(before);
    expect((await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(200);
    expect(JSON.stringify(sandbox.store.data)).toBe(before);
  });
});
