/**
 * The sandbox's ETags and 304s (sandbox/routes/conditional-get.ts) and its model of whether a 304 counts against the
 * hourly limit (SANDBOX_NOT_MODIFIED_COUNTS; unverified on Bitbucket, so both are modelled).
 */
import axios from 'axios';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';

const BRANCHES = '/repositories/acme-dev/platform-api/refs/branches';
const auth = { Authorization: `Bearer ${DEMO_USER.bearerToken}` };

async function withSandbox(notModifiedCounts: boolean, run: (sandbox: RunningSandbox) => Promise<void>, rateLimitPerHour = 2): Promise<void> {
  const sandbox = await startSandbox({ rateLimitPerHour, notModifiedCounts }, 0);
  await axios.post(`${sandbox.url}/_sandbox/rate-limit/reset`);
  try {
    await run(sandbox);
  } finally {
    await axios.post(`${sandbox.url}/_sandbox/rate-limit/reset`);
    await sandbox.close();
  }
}

const get = (sandbox: RunningSandbox, path: string, headers: Record<string, string> = {}) =>
  axios.get(`${sandbox.apiUrl}${path}`, { headers: { ...auth, ...headers }, validateStatus: () => true });

test('branches carry an ETag and answer 304 to If-None-Match; a list without one (pull requests) carries none', async () => {
  await withSandbox(true, async (sandbox) => {
    const first = await get(sandbox, BRANCHES);
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^"[0-9a-f]{40}"$/);
    const second = await get(sandbox, BRANCHES, { 'If-None-Match': first.headers.etag as string });
    expect(second.status).toBe(304);
    expect(second.data).toBe('');
    const pullRequests = await get(sandbox, '/repositories/acme-dev/platform-api/pullrequests');
    expect(pullRequests.status).toBe(200);
    expect(pullRequests.headers.etag).toBeUndefined();
  }, 100);
});

test('SANDBOX_NOT_MODIFIED_COUNTS=true (default): a 304 spends one of the hour', async () => {
  await withSandbox(true, async (sandbox) => {
    const first = await get(sandbox, BRANCHES);
    expect((await get(sandbox, BRANCHES, { 'If-None-Match': first.headers.etag as string })).status).toBe(304);
    expect((await get(sandbox, BRANCHES)).status).toBe(429);
  });
});

test('SANDBOX_NOT_MODIFIED_COUNTS=false: 304s are free, only 200s spend the hour', async () => {
  await withSandbox(false, async (sandbox) => {
    const first = await get(sandbox, BRANCHES);
    for (let index = 0; index < 3; index++) expect((await get(sandbox, BRANCHES, { 'If-None-Match': first.headers.etag as string })).status).toBe(304);
    expect((await get(sandbox, BRANCHES)).status).toBe(200);
    expect((await get(sandbox, BRANCHES)).status).toBe(429);
  });
});
