/**
 * Logs and metrics (issue #13.6), through HTTP against the sandbox: every answer has a request id that its log lines
 * carry; one `request` line per answer with its Bitbucket calls, rows and duration; progress lines every
 * LOG_PROGRESS_EVERY calls of a long read; `/metrics` serves the documented families with bounded labels; and no
 * credential reaches a log line or a metric (stack.close() scans every log line too).
 */
import { DEMO_USER } from '../../sandbox/identities';
import { loggableQuery } from '../../src/http/observability';
import { leakedCredentials } from '../helpers/known-credentials';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

interface LogLine {
  level: string;
  message: string;
  requestId?: string;
  [field: string]: unknown;
}

const parse = (stack: Stack): LogLine[] => stack.logLines.map((line) => JSON.parse(line) as LogLine);
const basic = `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.apiToken}`).toString('base64')}`;

describe('request ids and the request line', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { LOG_PROGRESS_EVERY: '0' } });
  });
  afterAll(() => stack.close());

  test('each answer carries a fresh X-Request-Id, and every log line written for it carries the same id', async () => {
    stack.logLines.length = 0;
    const first = await stack.request.get("/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$top=3").set('Authorization', DEMO_BEARER);
    const second = await stack.request.get('/odata/Workspaces').set('Authorization', DEMO_BEARER);
    expect(first.status).toBe(200);
    const id = first.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-request-id']).not.toBe(id);
    const lines = parse(stack).filter((line) => line.requestId === id);
    expect(lines.filter((line) => line.message === 'upstream request').length).toBe(Number(first.headers['x-upstream-requests']));
    expect(lines.some((line) => line.message === 'plan')).toBe(true);
    const request = lines.find((line) => line.message === 'request');
    expect(request).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/odata/PullRequests',
      route: '/odata/PullRequests',
      status: 200,
      upstreamRequests: Number(first.headers['x-upstream-requests']),
    });
    expect(request!.rows).toBeGreaterThanOrEqual(3);
    // The fan-out's repository listing is a query of its own, planned after the one it serves.
    expect(request!.plans).toEqual([expect.stringMatching(/^PullRequests list \/repositories\/acme-dev\/\{repo_slug\}\/pullrequests/), 'Repositories list /repositories/acme-dev']);
    expect(typeof request!.ms).toBe('number');
    expect(typeof request!.time).toBe('string');
  });

  test('health checks and metric scrapes log their request line at debug, not info', async () => {
    stack.logLines.length = 0;
    await stack.request.get('/health');
    await stack.request.get('/metrics');
    const lines = parse(stack).filter((line) => line.message === 'request');
    expect(lines.map((line) => [line.route, line.level])).toEqual([
      ['/health', 'debug'],
      ['/metrics', 'debug'],
    ]);
  });

  test("a caller's X-Request-Id is kept when it is a plain token, replaced when it is not", async () => {
    const kept = await stack.request.get('/odata/').set('X-Request-Id', 'proxy-42.a:b').set('Authorization', DEMO_BEARER);
    expect(kept.headers['x-request-id']).toBe('proxy-42.a:b');
    const replaced = await stack.request.get('/odata/').set('X-Request-Id', 'a b<script>').set('Authorization', DEMO_BEARER);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the request line never holds a credential: no header, and a gateway key in the query is redacted', async () => {
    stack.logLines.length = 0;
    const answer = await stack.request.get(`/odata/Workspaces?api_key=${encodeURIComponent(DEMO_USER.apiToken)}&$top=1`).set('Authorization', basic);
    const line = parse(stack).find((entry) => entry.message === 'request' && entry.requestId === answer.headers['x-request-id']);
    expect(line).toBeDefined();
    expect(line!.query).not.toContain(encodeURIComponent(DEMO_USER.apiToken));
    expect(leakedCredentials(stack.logLines.join('\n'))).toEqual([]);
  });

  test('a query parameter that carries a credential is logged by name only', () => {
    expect(loggableQuery('/odata/Workspaces?api_key=bbok_v1.secret&$top=1&access_token=t0k3n&X=1')).toBe('api_key=%5Bredacted%5D&%24top=1&access_token=%5Bredacted%5D&X=1');
    expect(loggableQuery('/odata/Workspaces?key=abc', 'key')).toBe('key=%5Bredacted%5D');
    expect(loggableQuery('/odata/Workspaces')).toBe('');
  });
});

describe('progress lines on long reads', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { LOG_PROGRESS_EVERY: '3' } });
  });
  afterAll(() => stack.close());

  test('every LOG_PROGRESS_EVERY upstream calls a read logs its entity set, calls and rows so far', async () => {
    stack.logLines.length = 0;
    const answer = await stack.request.get('/odata/PullRequests?$count=true').set('Authorization', DEMO_BEARER);
    expect(answer.status).toBe(200);
    const calls = Number(answer.headers['x-upstream-requests']);
    expect(calls).toBeGreaterThanOrEqual(6);
    const progress = parse(stack).filter((line) => line.message === 'progress' && line.requestId === answer.headers['x-request-id']);
    expect(progress.map((line) => line.upstreamRequests)).toEqual(Array.from({ length: Math.floor(calls / 3) }, (_, index) => 3 * (index + 1)));
    for (const line of progress) expect(line).toMatchObject({ level: 'info', entitySet: 'PullRequests' });
    const rows = progress.map((line) => line.rows as number);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(rows[rows.length - 1]).toBeGreaterThan(0);
  });

  test('LOG_PROGRESS_EVERY=0 turns them off', async () => {
    const quiet = await startStack({ env: { LOG_PROGRESS_EVERY: '0' } });
    try {
      await quiet.request.get('/odata/PullRequests').set('Authorization', DEMO_BEARER);
      expect(parse(quiet).filter((line) => line.message === 'progress')).toEqual([]);
    } finally {
      await quiet.close();
    }
  });
});

describe('/metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  test('serves the documented families after a request, labelled by route and endpoint template, never by URL or credential', async () => {
    await stack.request.get("/odata/PullRequests?$filter=Workspace eq 'acme-dev'&$top=2").set('Authorization', basic);
    await stack.request.get('/odata/NoSuchSet').set('Authorization', DEMO_BEARER);
    const answer = await stack.request.get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = answer.text;
    for (const family of [
      'bitbucket_odata_http_requests_total',
      'bitbucket_odata_http_request_duration_seconds',
      'bitbucket_odata_upstream_requests_total',
      'bitbucket_odata_upstream_request_duration_seconds',
      'bitbucket_odata_upstream_rate_limited_total',
      'bitbucket_odata_upstream_retry_waits_total',
      'bitbucket_odata_upstream_retry_wait_seconds_total',
      'bitbucket_odata_rows_in_memory',
      'bitbucket_odata_rows_in_memory_capacity',
      'bitbucket_odata_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    expect(text).toMatch(/bitbucket_odata_http_requests_total\{route="\/odata\/PullRequests",method="GET",status="200"\} 1/);
    expect(text).toMatch(/bitbucket_odata_http_requests_total\{route="\/odata\/\{unknown\}",method="GET",status="404"\} 1/);
    expect(text).toMatch(/bitbucket_odata_upstream_requests_total\{method="GET",endpoint="\/repositories\/\{workspace\}\/\{repo_slug\}\/pullrequests",status="200"\} \d+/);
    const endpoints = [...text.matchAll(/endpoint="([^"]*)"/g)].map((match) => match[1]);
    expect(endpoints.length).toBeGreaterThan(0);
    for (const endpoint of endpoints) expect(endpoint === 'other' || /^\/[\w{}/-]+$/.test(endpoint)).toBe(true);
    expect(text).not.toContain('acme-dev');
    expect(text).not.toContain('NoSuchSet');
    expect(leakedCredentials(text)).toEqual([]);
  });

  // Bitbucket's usual 429 has no Retry-After, so the client backs off within UPSTREAM_MAX_RETRY_AFTER_SECONDS.
  test('the waits before retrying a 429 are counted, with the seconds they took', async () => {
    const waiting = await startStack({ sandbox: { rateLimitPerHour: 1, quirks: ['rate-limit-without-retry-after'] }, env: { UPSTREAM_MAX_RETRY_AFTER_SECONDS: '1' } });
    try {
      await waiting.request.get('/odata/Workspaces').set('Authorization', DEMO_BEARER);
      await waiting.request.get('/odata/Workspaces').set('Authorization', DEMO_BEARER);
      const text = (await waiting.request.get('/metrics')).text;
      expect(text).toMatch(/bitbucket_odata_upstream_retry_waits_total\{reason="rate-limit"\} [1-9]/);
      const seconds = Number(/bitbucket_odata_upstream_retry_wait_seconds_total\{reason="rate-limit"\} ([\d.e-]+)/.exec(text)?.[1]);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(2);
    } finally {
      await waiting.close();
    }
  });

  test("Bitbucket's 429s are counted", async () => {
    const throttled = await startStack({ sandbox: { rateLimitPerHour: 2 }, env: { UPSTREAM_MAX_RETRY_AFTER_SECONDS: '0' } });
    try {
      for (let i = 0; i < 4; i++) await throttled.request.get('/odata/Workspaces').set('Authorization', DEMO_BEARER);
      const text = (await throttled.request.get('/metrics')).text;
      expect(text).toMatch(/bitbucket_odata_upstream_rate_limited_total\{endpoint="\/user\/workspaces"\} [1-9]/);
      expect(text).toMatch(/bitbucket_odata_http_requests_total\{route="\/odata\/Workspaces",method="GET",status="429"\} [1-9]/);
    } finally {
      await throttled.close();
    }
  });
});
