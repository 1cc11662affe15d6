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
])('$name: streamed, the rows of 1000-row pages, count first, nextLink last', async ({ url }) => {
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER).set('Prefer', 'odata.maxpagesize=2100');
  expect(response.status).toBe(200);
  expect(response.headers['transfer-encoding']).toBe('chunked');
  expect(response.headers['content-length']).toBeUndefined();
  const text = response.text;
  expect(text.indexOf('"@odata.count"')).toBeLessThan(text.indexOf('"value"'));
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
