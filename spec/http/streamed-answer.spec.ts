/**
 * A page larger than one chunk (1000 rows) is streamed (issue #11.3): read, expanded and written chunk by chunk, so
 * it holds a chunk, not the whole answer. It carries the same rows as the same answer read in 1000-row pages,
 * `@odata.count` before `value`, `@odata.nextLink` after it; and a failure after the first byte breaks the
 * connection instead of ending a short 200.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { maxPageSize: 100_000 }, env: { UPSTREAM_MAX_RETRIES: '0' } });
});
afterAll(() => stack.close());

const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

async function walk(url: string, pageSize: number): Promise<unknown[]> {
  const rows: unknown[] = [];
  let next: string | undefined = url;
  while (next) {
    const response: { status: number; body: { value: unknown[]; '@odata.nextLink'?: string } } = await stack.request
      .get(local(next))
      .set('Authorization', DEMO_BEARER)
      .set('Prefer', `odata.maxpagesize=${pageSize}`);
    expect(response.status).toBe(200);
    rows.push(...response.body.value);
    next = response.body['@odata.nextLink'];
  }
  return rows;
}

test.each([
  { name: "Bitbucket's order, $top: chunks continue by cursor", url: '/odata/Commits?$top=2500&$count=true&$select=Hash,Date,Workspace,RepositorySlug' },
  { name: 'an order sorted here: chunks of the sorted set', url: '/odata/Commits?$orderby=Hash&$top=2200&$count=true&$select=Hash,Message' },
  // No count and no sort here: the rows are handed over as Bitbucket's pages come in (`ExecuteOptions.stream`).
  { name: "Bitbucket's order, rows handed over as read, after a $skip", url: '/odata/Commits?$skip=130&$top=2400&$select=Hash,Workspace,RepositorySlug' },
])('$name: streamed, the rows of 1000-row pages, count first, nextLink last', async ({ url }) => {
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=2100');
  expect(response.status).toBe(200);
  expect(response.headers['transfer-encoding']).toBe('chunked');
  expect(response.headers['content-length']).toBeUndefined();
  const text = response.text;
  if (url.includes('$count')) expect(text.indexOf('"@odata.count"')).toBeLessThan(text.indexOf('"value"'));
  expect(text.indexOf('"@odata.nextLink"')).toBeGreaterThan(text.lastIndexOf('"Hash"'));
  expect(response.body.value).toHaveLength(2100);
  const rest = await walk(response.body['@odata.nextLink'], 2100);
  expect([...response.body.value, ...rest]).toEqual(await walk(url, 1000));
});

test('a failure after the first byte breaks the connection: never a short 200', async () => {
  const server = stack.app.listen(0);
  const port = (server.address() as AddressInfo).port;
  // Each Bitbucket page takes a while, so the next chunk is still being read when the fault is switched on.
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 40 });
  try {
    const outcome = await new Promise<{ status?: number; ended: boolean; error?: string; bytes: number }>((resolve) => {
      const request = http.get({ port, path: '/odata/Commits?$top=5000&$select=Hash', headers: { Authorization: DEMO_BEARER, Prefer: 'odata.maxpagesize=5000' } }, (response) => {
        let bytes = 0;
        let faulted = false;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (!faulted) {
            faulted = true;
            void axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { errorRate: 1 });
          }
        });
        response.on('end', () => resolve({ status: response.statusCode, ended: response.complete, bytes }));
        response.on('error', (error) => resolve({ status: response.statusCode, ended: false, error: error.message, bytes }));
        response.on('close', () => resolve({ status: response.statusCode, ended: response.complete, bytes }));
      });
      request.on('error', (error) => resolve({ ended: false, error: error.message, bytes: 0 }));
    });
    expect(outcome.status).toBe(200);
    expect(outcome.bytes).toBeGreaterThan(0);
    // The 200 went out with the first chunk; the rest failed, so the message never completes.
    expect(outcome.ended).toBe(false);
  } finally {
    await axios.post(`${stack.sandboxUrl}/_sandbox/faults/reset`);
    server.close();
  }
});

/** The gateway's own socket, for specs that watch a response's bytes as they arrive. */
function listen(): { port: number; close(): void } {
  const server = stack.app.listen(0);
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

test('the first rows go out after one Bitbucket page of commits, while the rest is still being read', async () => {
  const { port, close } = listen();
  // Each Bitbucket page takes a while, so what was read by the first byte is visible in the sandbox's log.
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 50 });
  await stack.clearUpstreamCalls();
  const commitPages = async () => (await stack.upstreamCalls()).filter((call) => call.path.endsWith('/commits')).length;
  try {
    const outcome = await new Promise<{ atFirstRows: number; firstText: string; complete: boolean; body: string }>((resolve, reject) => {
      http
        .get({ port, path: '/odata/Commits?$top=2000&$select=Hash', headers: { Authorization: DEMO_BEARER, Prefer: 'odata.maxpagesize=2000' } }, (response) => {
          let body = '';
          let atFirstRows: Promise<number> | undefined;
          let firstText = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
            if (!atFirstRows && body.includes('"Hash"')) {
              firstText = body;
              atFirstRows = commitPages();
            }
          });
          response.on('end', () => void (atFirstRows ?? Promise.resolve(-1)).then((calls) => resolve({ atFirstRows: calls, firstText, complete: response.complete, body })));
        })
        .on('error', reject);
    });
    expect(outcome.complete).toBe(true);
    expect(JSON.parse(outcome.body).value).toHaveLength(2000);
    const total = await commitPages();
    // Rows of the first repository's first page were on the wire after one or two commit pages (the log is read while
    // the next one is on its way), not after the 1,000 rows of a chunk (10+ pages); the read went on to 20+ pages.
    expect(outcome.firstText).toContain('"Hash"');
    expect(outcome.atFirstRows).toBeGreaterThanOrEqual(1);
    expect(outcome.atFirstRows).toBeLessThanOrEqual(3);
    expect(total).toBeGreaterThan(20);
  } finally {
    await axios.post(`${stack.sandboxUrl}/_sandbox/faults/reset`);
    close();
  }
});

test('a failure after rows were handed over leaves the answer without its closing brace', async () => {
  const { port, close } = listen();
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 40 });
  try {
    const outcome = await new Promise<{ status?: number; complete: boolean; body: string }>((resolve) => {
      let body = '';
      const request = http.get({ port, path: '/odata/Commits?$top=3000&$select=Hash', headers: { Authorization: DEMO_BEARER, Prefer: 'odata.maxpagesize=3000' } }, (response) => {
        let faulted = false;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (!faulted && body.includes('"Hash"')) {
            faulted = true;
            void axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { errorRate: 1 });
          }
        });
        const done = () => resolve({ status: response.statusCode, complete: response.complete, body });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      });
      request.on('error', () => resolve({ complete: false, body }));
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('"Hash"');
    expect(outcome.complete).toBe(false);
    // Neither a closing `]}` nor an error object a client could take for the end of the answer.
    expect(outcome.body).not.toMatch(/\]\s*\}\s*$/);
    expect(() => JSON.parse(outcome.body)).toThrow();
  } finally {
    await axios.post(`${stack.sandboxUrl}/_sandbox/faults/reset`);
    close();
  }
});

test.each([
  { name: 'a 100-commit page', url: "/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=100&$count=true" },
  { name: 'a filter no row passes', url: '/odata/Commits?$filter=1 eq 2' },
])('$name under a page size above a chunk, whose rows all come in the first chunk, is one body with its length', async ({ url }) => {
  const large = await stack.request.get(encodeURI(url)).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=50000');
  const small = await stack.request.get(encodeURI(url)).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=1000');
  expect(large.status).toBe(200);
  expect(large.headers['transfer-encoding']).toBeUndefined();
  expect(large.headers['content-length']).toBe(String(Buffer.byteLength(large.text)));
  expect(large.headers['x-upstream-requests']).toBe(small.headers['x-upstream-requests']);
  // The same bytes but for the origin each supertest request listens on.
  const origin = /http:\/\/127\.0\.0\.1:\d+/g;
  expect(large.text.replace(origin, '')).toBe(small.text.replace(origin, ''));
});
