/**
 * Every answer says how long the gateway took and how much of that Bitbucket calls were in flight (issue #15: the
 * latency bench separates the gateway's own time from the network hop and process scheduling), as a W3C
 * `Server-Timing` header (https://www.w3.org/TR/server-timing/): `total;dur=…, upstream;dur=…;desc="N calls"`. A
 * streamed answer repeats the final figures in a trailer. Behaviour only, never speed: the figures are parseable, the
 * upstream part never exceeds the total (its union of intervals, not their sum, also in a fan-out), is 0 without a
 * call and at least the sandbox's delay with one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let server: http.Server;
let port: number;
beforeAll(async () => {
  // Eight calls in flight at once in a fan-out (stated, not the default, as the fan-out test relies on it).
  stack = await startStack({ config: { maxPageSize: 100_000 }, env: { FAN_OUT_CONCURRENCY: '8' } });
  server = stack.app.listen(0);
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await stack.close();
});
afterEach(() => axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 0 }));

interface Timing {
  total: number;
  upstream: number;
  calls: number;
}

/**
 * A `Server-Timing` value as the W3C grammar reads it (metric *( ";" param ) separated by commas, `dur` a decimal
 * number of ms); fails loudly on anything else, so a malformed header cannot pass as zeros.
 */
function parseServerTiming(value: string | undefined): Timing {
  expect(value).toBeDefined();
  const metrics = new Map<string, { dur?: number; desc?: string }>();
  for (const metric of (value ?? '').split(',')) {
    const [name, ...params] = metric.trim().split(';');
    expect(name).toMatch(/^[\w-]+$/);
    const parsed: { dur?: number; desc?: string } = {};
    for (const param of params) {
      const match = /^(dur|desc)=(?:(\d+(?:\.\d{1,2})?)|"([^"]*)")$/.exec(param.trim());
      expect(match).not.toBeNull();
      if (match?.[1] === 'dur') parsed.dur = Number(match[2]);
      if (match?.[1] === 'desc') parsed.desc = match[3];
    }
    metrics.set(name, parsed);
  }
  const total = metrics.get('total')?.dur;
  const upstream = metrics.get('upstream');
  expect(total).toEqual(expect.any(Number));
  expect(upstream?.dur).toEqual(expect.any(Number));
  expect(upstream?.desc).toMatch(/^\d+ calls?$/);
  return { total: total ?? NaN, upstream: upstream?.dur ?? NaN, calls: Number.parseInt(upstream?.desc ?? '', 10) };
}

interface Answer {
  status: number;
  header: Timing;
  headerCalls: number;
  trailer?: Timing;
  trailerCalls?: number;
  declared?: string;
  body: string;
}

/**
 * One GET on a real socket, read to its end with its trailers (supertest does not expose trailers); the timing is
 * parsed once the answer is in, so that a missing header fails the test, not the socket's callback.
 */
async function get(path: string, prefer?: string, requestId?: string): Promise<Answer> {
  const headers: Record<string, string> = { Authorization: DEMO_BEARER, ...(prefer ? { Prefer: prefer } : {}), ...(requestId ? { 'X-Request-Id': requestId } : {}) };
  const raw = await new Promise<{ response: http.IncomingMessage; body: string }>((resolve, reject) => {
    http
      .get({ port, path: encodeURI(path), headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ response, body }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
  const { response, body } = raw;
  const trailer = response.trailers['server-timing'];
  return {
    status: response.statusCode ?? 0,
    header: parseServerTiming(response.headers['server-timing'] as string | undefined),
    headerCalls: Number(response.headers['x-upstream-requests']),
    ...(trailer !== undefined ? { trailer: parseServerTiming(trailer), trailerCalls: Number(response.trailers['x-upstream-requests']) } : {}),
    ...(response.headers.trailer !== undefined ? { declared: response.headers.trailer } : {}),
    body,
  };
}

test.each([
  { name: 'a repository by key', path: "/odata/Repositories(Workspace='acme-dev',Slug='platform-api')", status: 200 },
  { name: 'a collection', path: "/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=100", status: 200 },
  { name: 'an error after a call (404 EntityNotFound)', path: "/odata/Repositories(Workspace='acme-dev',Slug='no-such-repository')", status: 404 },
  { name: 'a Dataverse page (the same router under /dataverse)', path: '/dataverse/Repositories?$top=1', status: 200 },
])('$name: Server-Timing parseable, upstream within total, its calls those of X-Upstream-Requests', async ({ path, status }) => {
  const answer = await get(path);
  expect(answer.status).toBe(status);
  expect(answer.headerCalls).toBeGreaterThanOrEqual(1);
  expect(answer.header.calls).toBe(answer.headerCalls);
  expect(answer.header.upstream).toBeLessThanOrEqual(answer.header.total);
  expect(answer.trailer).toBeUndefined();
});

test('an answer that calls nothing upstream: upstream;dur=0, also on a 400 refused before any call', async () => {
  const none = await get('/odata/Commits?$filter=1 eq 2');
  expect(none.status).toBe(200);
  expect(none.header).toEqual({ total: expect.any(Number), upstream: 0, calls: 0 });
  const refused = await get('/odata/Repositories?$filter=NoSuchProperty eq 1');
  expect(refused.status).toBe(400);
  expect(refused.header).toEqual({ total: expect.any(Number), upstream: 0, calls: 0 });
});

test('with the sandbox answering after 40 ms, the upstream figure holds that delay', async () => {
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 40 });
  const answer = await get("/odata/Repositories(Workspace='acme-dev',Slug='platform-api')");
  expect(answer.status).toBe(200);
  expect(answer.header.calls).toBe(1);
  // The sandbox's timer runs on libuv's loop clock, kept in whole ms, so it may fire up to 1 ms before 40 ms by
  // performance.now(): hence 39.
  expect(answer.header.upstream).toBeGreaterThanOrEqual(39);
  expect(answer.header.upstream).toBeLessThanOrEqual(answer.header.total);
});

test('a fan-out of calls in flight together: the union of their intervals, not their sum, stays within the total', async () => {
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 40 });
  // Pull requests of every repository: one list per repository (25), eight in flight at once; one page of up to
  // 1000 rows, not streamed, so the header holds every call.
  const answer = await get("/odata/PullRequests?$filter=State eq 'OPEN'&$select=Id", 'odata.maxpagesize=1000', 'server-timing-fan-out');
  expect(answer.status).toBe(200);
  expect(answer.header.calls).toBeGreaterThan(10);
  expect(answer.header.upstream).toBeGreaterThanOrEqual(39);
  // The sum of the calls' durations, as the gateway's debug lines give them (whole ms, one line per attempt): the calls
  // overlapped, so their sum is more than the answer's whole time, and a sum in place of the union would exceed it.
  const durations = stack.logLines
    .map((line) => JSON.parse(line) as { message?: string; requestId?: string; ms?: number })
    .filter((entry) => entry.message === 'upstream request' && entry.requestId === 'server-timing-fan-out')
    .map((entry) => entry.ms ?? NaN);
  expect(durations).toHaveLength(answer.header.calls);
  const sum = durations.reduce((total, ms) => total + ms, 0);
  expect(sum).toBeGreaterThan(answer.header.total);
  expect(answer.header.upstream).toBeLessThanOrEqual(answer.header.total);
});

test('a streamed answer (a page over 1000 rows) declares Server-Timing as a trailer and sends the final figures in it', async () => {
  await axios.put(`${stack.sandboxUrl}/_sandbox/faults`, { latencyMs: 5 });
  const answer = await get('/odata/Commits?$top=2500&$select=Hash', 'odata.maxpagesize=2500');
  expect(answer.status).toBe(200);
  expect((JSON.parse(answer.body) as { value: unknown[] }).value).toHaveLength(2500);
  expect(answer.declared?.split(/\s*,\s*/)).toEqual(expect.arrayContaining(['X-Upstream-Requests', 'Server-Timing']));
  const { header, trailer } = answer;
  expect(trailer).toBeDefined();
  if (!trailer) return;
  expect(trailer.calls).toBe(answer.trailerCalls);
  expect(trailer.calls).toBeGreaterThan(header.calls);
  // The trailer's figures run on from the header's: the whole answer, every call.
  expect(trailer.total).toBeGreaterThanOrEqual(header.total);
  expect(trailer.upstream).toBeGreaterThanOrEqual(header.upstream);
  expect(trailer.upstream).toBeGreaterThanOrEqual(5 - 1);
  expect(trailer.upstream).toBeLessThanOrEqual(trailer.total);
});
