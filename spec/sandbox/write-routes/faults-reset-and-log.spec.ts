import http from 'node:http';
import type { RunningSandbox } from '../../../sandbox/app';
import { DEMO_USER } from '../../../sandbox/identities';
import { startTestSandbox } from '../sandbox-fixture';
import { call, get, resetSandbox } from './write-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
beforeEach(async () => {
  await resetSandbox(sandbox);
  await fetch(`${sandbox.url}/_sandbox/faults/reset`, { method: 'POST' });
});
afterAll(async () => {
  await fetch(`${sandbox.url}/_sandbox/faults/reset`, { method: 'POST' });
  await sandbox.close();
});

const setFaults = (settings: Record<string, number>) => fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });

describe('reset', () => {
  it('POST /_sandbox/reset undoes every write', async () => {
    await call(sandbox, 'POST', '/workspaces/acme-dev/projects', { key: 'GONE', name: 'Gone soon' });
    await call(sandbox, 'DELETE', '/repositories/acme-dev/docs');
    await call(sandbox, 'POST', '/workspaces/acme-dev/hooks', { url: 'https://example.com', events: ['repo:push'] });
    await resetSandbox(sandbox);
    expect((await get(sandbox, '/workspaces/acme-dev/projects/GONE')).status).toBe(404);
    expect((await get(sandbox, '/repositories/acme-dev/docs')).status).toBe(200);
    expect((await get(sandbox, '/workspaces/acme-dev/hooks')).body.values).toEqual([]);
  });
});

describe('the request log', () => {
  it('records writes with method, path and status, refused ones too', async () => {
    await fetch(`${sandbox.url}/_sandbox/requests`, { method: 'DELETE' });
    await call(sandbox, 'POST', '/workspaces/acme-dev/projects', { key: 'LOGGED', name: 'Logged' });
    await call(sandbox, 'DELETE', '/workspaces/acme-dev/projects/CORE');
    const log = (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as Array<{ method: string; path: string; status: number }>;
    expect(log.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'POST', path: '/2.0/workspaces/acme-dev/projects', status: 201 },
      { method: 'DELETE', path: '/2.0/workspaces/acme-dev/projects/CORE', status: 403 },
    ]);
  });
});

/** A POST that gives up after `timeoutMs`, as a client with a timeout does: resolves 'timeout' or the status. */
function postWithTimeout(path: string, body: unknown, timeoutMs: number): Promise<number | 'timeout'> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${sandbox.apiUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_USER.bearerToken}`, 'content-type': 'application/json' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.setTimeout(timeoutMs, () => {
      request.destroy();
      resolve('timeout');
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    request.end(JSON.stringify(body));
  });
}

describe('responseDelayMs: applied, answered late', () => {
  it('the write is applied at once although the client gives up before the answer comes', async () => {
    await setFaults({ responseDelayMs: 2000 });
    expect(await postWithTimeout('/workspaces/acme-dev/projects', { key: 'SLOW', name: 'Slow' }, 100)).toBe('timeout');
    await setFaults({ responseDelayMs: 0 });
    expect((await get(sandbox, '/workspaces/acme-dev/projects/SLOW')).status).toBe(200);
    const posts = ((await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as Array<{ method: string; path: string }>).filter((e) => e.method === 'POST');
    expect(posts).toHaveLength(1);
  });

  it('a patient client gets the full answer', async () => {
    await setFaults({ responseDelayMs: 50 });
    const answer = await call(sandbox, 'POST', '/workspaces/acme-dev/projects', { key: 'LATE', name: 'Late' });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ key: 'LATE' });
  });

  it('is shown and validated by /_sandbox/faults', async () => {
    expect(await (await setFaults({ responseDelayMs: 5 })).json()).toMatchObject({ responseDelayMs: 5 });
    const refused = await setFaults({ responseDelayMs: -1 });
    expect(refused.status).toBe(400);
  });
});
