/**
 * `npm run bench:refresh`: what a Power BI refresh costs Bitbucket the first time and the next (issue #14 item 5).
 * A refresh reads every entity set to its end, following each `@odata.nextLink` as Power BI does (no page size
 * asked for). Per seed (default and large), it refreshes once, makes a handful of writes directly in the sandbox
 * (not through the gateway, as a person or another tool would: a merge, a retitle, a branch, a pull request, a
 * comment), waits past the freshness window, and refreshes again; then the same with two gateway replicas sharing one
 * Redis (`REDIS_URL`), every set's pages taken from the replicas in turn. It prints, per set and in all, the calls of
 * the first and the second refresh, the wall time of each with the sandbox answering every call after
 * SANDBOX_LATENCY_MS (50 by default), and the gateway process's peak RSS. The sandbox runs in a child process, so
 * neither its CPU nor its memory is the gateway's.
 *
 * Whether Bitbucket counts a 304 against the hour is undocumented and reported both ways (spec/fixtures/
 * recorded-bitbucket/README.md, "ETags and 304s"), so each walk also says how many of its calls were 304s and what
 * the budget counted under both UPSTREAM_NOT_MODIFIED_COUNTS settings. The gateway runs with its budget on (an hour of
 * 100,000,000 calls, never refusing) and UPSTREAM_NOT_MODIFIED_COUNTS=false, so one run measures both: the budget
 * takes every attempt (what `true` counts) and gives each 304 back (what `false` leaves counted).
 *
 * Settings: REFRESH_SEEDS (`default,large`), SANDBOX_LATENCY_MS (50), REFRESH_CACHE_SECONDS (the gateway's
 * UPSTREAM_CACHE_SECONDS for the run, 10: the second refresh starts after it has passed), REFRESH_REDIS (`on`; `off`
 * skips the replicas, `only` runs them alone; a local `redis-server` is started on a free port), REFRESH_NOTICES (`off`;
 * `on` adds "one replica, change notices", `only` runs it alone: issue #14's webhooks, below).
 *
 * Change notices: the sandbox delivers its webhooks to the gateway (SANDBOX_WEBHOOK_RELAY_URL, the gateway listening on
 * BENCH_GATEWAY_PORT), a workspace webhook with a secret is made in every workspace through the sandbox's Bitbucket
 * API, each by a user who owns it (Bitbucket lets only owners do so; blue-harbor's owner is a generated user, signed
 * in through the sandbox's consent page with `sandbox_user`), and the gateway runs with WEBHOOK_SECRET and
 * WEBHOOK_WORKSPACES naming them all: the direct writes arrive as signed notices, and what no notice says changed is
 * served past the window without a call. For that setup it also prints where each set's calls of the next refresh
 * went (the sandbox's request log, per set: workspace, written-to or other repository, path), and which notices
 * arrived, by event key.
 */
import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { DEMO_OAUTH_CONSUMER, DEMO_USER } from '../sandbox/identities';
import { createApp, noticeTrustOf, storeOf, upstreamReadinessOf } from '../src/app';
import { listMemoMetrics } from '../src/bitbucket';
import { upstreamBudgetMetrics } from '../src/budget';
import { loadConfig } from '../src/config';
import { ENTITY_SETS } from '../src/entity-sets/registry';
import { changeNoticeMetrics } from '../src/http/change-notice-receiver';
import { createLogger } from '../src/logger';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7997);
/** Where the gateway listens for the sandbox's webhook deliveries (REFRESH_NOTICES). */
const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 7998);
const NOTICES = process.env.REFRESH_NOTICES ?? 'off';
const WEBHOOK_SECRET = 'bench-refresh-webhook-secret';
/** The URL the workspace webhooks are made with; the relay hands the gateway only deliveries for it. */
const HOOK_URL = 'https://odata.example.com/webhooks/bitbucket';
/** The events the gateway uses (src/bitbucket/change-notices.ts), as a workspace webhook subscribes to them. */
const HOOK_EVENTS = [
  'repo:push', 'repo:updated', 'repo:transfer', 'repo:commit_status_created', 'repo:commit_status_updated',
  'pullrequest:created', 'pullrequest:updated', 'pullrequest:approved', 'pullrequest:unapproved', 'pullrequest:fulfilled', 'pullrequest:rejected',
  'pullrequest:changes_request_created', 'pullrequest:changes_request_removed', 'pullrequest:comment_created', 'pullrequest:comment_updated', 'pullrequest:comment_deleted',
  'pullrequest:comment_resolved', 'pullrequest:comment_reopened', 'pullrequest:push', 'repo:deleted', 'repo:imported', 'repo:created', 'repo:fork',
];
const SEEDS = (process.env.REFRESH_SEEDS ?? 'default,large').split(',').map((seed) => seed.trim()).filter(Boolean);
const LATENCY_MS = process.env.SANDBOX_LATENCY_MS ?? '50';
const CACHE_SECONDS = Number(process.env.REFRESH_CACHE_SECONDS ?? 10);
const WITH_REDIS = process.env.REFRESH_REDIS !== 'off';
/** `REFRESH_REDIS=only`: the two-replica runs alone. */
const ONLY_REDIS = process.env.REFRESH_REDIS === 'only';
const AUTH = `Bearer ${DEMO_USER.bearerToken}`;
const SETS = ENTITY_SETS.filter((def) => !def.singleton).map((def) => def.name);

type Request = ReturnType<typeof supertest>;

interface SetWalk {
  set: string;
  /** 200, or the status of the page that ended the walk (a set too wide to read whole answers 400). */
  status: number;
  code?: string;
  calls: number;
  rows: number;
  pages: number;
  /** Of `calls`: attempts the budget counted (UPSTREAM_NOT_MODIFIED_COUNTS=true counts them all) and 304s it gave back. */
  counted: number;
  notModified: number;
}

interface Refresh {
  walks: SetWalk[];
  calls: number;
  counted: number;
  notModified: number;
  ms: number;
}

const sum = (walks: SetWalk[], figure: 'calls' | 'counted' | 'notModified') => walks.reduce((total, walk) => total + walk[figure], 0);

/** Every set to its end; page n of a set from replica n mod replicas (one replica: always the same). */
async function refresh(replicas: Request[], around?: { before(set: string): Promise<void>; after(set: string): Promise<void> }): Promise<Refresh> {
  const started = performance.now();
  const walks: SetWalk[] = [];
  for (const set of SETS) {
    await around?.before(set);
    const walk: SetWalk = { set, status: 200, calls: 0, rows: 0, pages: 0, counted: 0, notModified: 0 };
    // The budget's own figures (src/budget/budget-metrics.ts), for this process: both replicas are in it.
    const budgetBefore = upstreamBudgetMetrics();
    let next: string | undefined = `/odata/${set}`;
    while (next !== undefined) {
      const response = await replicas[walk.pages % replicas.length].get(next.replace(/^https?:\/\/[^/]+/, '')).set('Authorization', AUTH);
      walk.pages += 1;
      walk.calls += Number(response.headers['x-upstream-requests'] ?? 0);
      if (response.status !== 200) {
        walk.status = response.status;
        walk.code = (response.body as { error?: { code?: string } }).error?.code;
        break;
      }
      walk.rows += (response.body.value as unknown[]).length;
      next = response.body['@odata.nextLink'] as string | undefined;
    }
    const budgetAfter = upstreamBudgetMetrics();
    walk.counted = budgetAfter.spent - budgetBefore.spent;
    walk.notModified = budgetAfter.notModifiedFree - budgetBefore.notModifiedFree;
    walks.push(walk);
    await around?.after(set);
  }
  return { walks, calls: sum(walks, 'calls'), counted: sum(walks, 'counted'), notModified: sum(walks, 'notModified'), ms: performance.now() - started };
}

/**
 * A handful of writes straight to the sandbox's Bitbucket API (never through a gateway, whose cache would know); the
 * repositories written to (`ws/slug`).
 */
async function writeDirectly(apiUrl: string): Promise<string[]> {
  const api = async (method: string, target: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${apiUrl}${target}`, {
      method,
      headers: { Authorization: AUTH, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${target} → ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  // Two open pull requests of acme-dev, wherever they are (seeds differ in how many each repository has).
  const open: Array<{ id: number; repository: string }> = [];
  for (const repository of (await api('GET', '/repositories/acme-dev?pagelen=100&fields=values.full_name')).values as Array<{ full_name: string }>) {
    const listed = (await api('GET', `/repositories/${repository.full_name}/pullrequests?state=OPEN&pagelen=50&fields=values.id`)).values as Array<{ id: number }>;
    open.push(...listed.map((pr) => ({ id: pr.id, repository: repository.full_name })));
    if (open.length >= 2) break;
  }
  await api('POST', `/repositories/${open[0].repository}/pullrequests/${open[0].id}/merge`, { merge_strategy: 'merge_commit' });
  await api('PUT', `/repositories/${open[1].repository}/pullrequests/${open[1].id}`, { title: `Retitled directly ${Date.now()}` });
  const branches = (await api('GET', '/repositories/acme-dev/web-frontend/refs/branches?pagelen=1')).values as Array<{ target: { hash: string } }>;
  const name = `refresh/${Date.now()}`;
  await api('POST', '/repositories/acme-dev/web-frontend/refs/branches', { name, target: { hash: branches[0].target.hash } });
  const created = await api('POST', '/repositories/acme-dev/web-frontend/pullrequests', { title: 'Made directly in Bitbucket', source: { branch: { name } } });
  await api('POST', `/repositories/acme-dev/web-frontend/pullrequests/${String(created.id)}/comments`, { content: { raw: 'Written directly in Bitbucket' } });
  return [...new Set([open[0].repository, open[1].repository, 'acme-dev/web-frontend'])];
}

/** A workspace and the user who made its webhook (a nickname). */
interface HookedWorkspace {
  workspace: string;
  owner: string;
}

/**
 * A workspace webhook with the secret in every workspace the demo user sees, each made through the sandbox's
 * Bitbucket API by a user who owns the workspace, as its owner would make it (Bitbucket: "Only workspace owners can
 * install webhooks on workspaces"). The demo user owns acme-dev; another workspace's owner is found among its members
 * (the first whose `/user/workspaces?administrator=true` lists it), signed in through the sandbox's consent page with
 * `sandbox_user` (the OAuth authorization-code flow; sandbox/auth/README.md).
 */
async function installWebhooks(sandboxUrl: string): Promise<HookedWorkspace[]> {
  const call = async (authorization: string, method: string, target: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${sandboxUrl}/2.0${target}`, {
      method,
      headers: { Authorization: authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${target} → ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const signedIn = new Map<string, string>([[DEMO_USER.nickname, AUTH]]);
  const signIn = async (nickname: string): Promise<string> => {
    const known = signedIn.get(nickname);
    if (known !== undefined) return known;
    const consent = new URL(`${sandboxUrl}/site/oauth2/authorize`);
    consent.search = new URLSearchParams({ client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', sandbox_user: nickname }).toString();
    const approved = await fetch(consent, { redirect: 'manual' });
    const code = new URL(approved.headers.get('location') ?? 'about:blank').searchParams.get('code');
    if (approved.status !== 302 || code === null) throw new Error(`signing in as ${nickname}: ${approved.status} ${await approved.text()}`);
    const issued = await fetch(`${sandboxUrl}/site/oauth2/access_token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${DEMO_OAUTH_CONSUMER.clientId}:${DEMO_OAUTH_CONSUMER.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code }),
    });
    if (issued.status !== 200) throw new Error(`token for ${nickname}: ${issued.status} ${await issued.text()}`);
    const authorization = `Bearer ${((await issued.json()) as { access_token: string }).access_token}`;
    signedIn.set(nickname, authorization);
    return authorization;
  };
  const owns = async (authorization: string, workspace: string) =>
    ((await call(authorization, 'GET', `/user/workspaces?administrator=true&q=${encodeURIComponent(`slug="${workspace}"`)}`)).values as unknown[]).length > 0;
  const seen = (await call(AUTH, 'GET', '/user/workspaces?pagelen=100')).values as Array<{ workspace: { slug: string } }>;
  const hooked: HookedWorkspace[] = [];
  for (const { workspace: { slug: workspace } } of seen) {
    const members = (await call(AUTH, 'GET', `/workspaces/${workspace}/members?pagelen=100`)).values as Array<{ user: { nickname: string } }>;
    let owner: string | undefined;
    for (const nickname of [DEMO_USER.nickname, ...members.map((member) => member.user.nickname).filter((nickname) => nickname !== DEMO_USER.nickname)]) {
      if (await owns(await signIn(nickname), workspace)) {
        owner = nickname;
        break;
      }
    }
    if (owner === undefined) throw new Error(`no member of ${workspace} owns it: its webhook cannot be made`);
    await call(await signIn(owner), 'POST', `/workspaces/${workspace}/hooks`, { description: 'bitbucket-odata change notices', url: HOOK_URL, active: true, secret: WEBHOOK_SECRET, events: HOOK_EVENTS });
    hooked.push({ workspace, owner });
  }
  return hooked;
}

/** One sandbox request, named by what it reads: its workspace, whether its repository was written to, its path's shape. */
function callKind(path: string, written: ReadonlySet<string>): string {
  const shape = (segments: string[]) =>
    segments.map((segment) => (/^\d+$/.test(segment) ? '{id}' : /^[0-9a-f]{12,40}$/i.test(segment) || /^(%7B|\{)/i.test(segment) ? '{x}' : segment)).join('/');
  const segments = path.replace(/^\/2\.0\//, '').split('/');
  if (segments[0] === 'repositories' && segments.length >= 3) {
    const repository = `${segments[1]}/${segments[2]}`;
    return `${segments[1]} ${written.has(repository) ? 'written-to' : 'other'} …/${shape(segments.slice(3)) || '(repository)'}`;
  }
  return shape(segments);
}

/** The gateway process's RSS, sampled every 50 ms while `run` runs. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    const result = await run();
    return { result, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

function gateway(env: Record<string, string>, listen?: number): { request: Request; close(): Promise<void>; ready: Promise<void> } {
  const config = loadConfig({
    BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`,
    LOG_LEVEL: 'error',
    ...UNCAPPED,
    // Reuse on (UNCAPPED turns it off for benchmarks of one query): this benchmark measures what reuse saves.
    UPSTREAM_CACHE_SECONDS: String(CACHE_SECONDS),
    // The budget on, never refusing, giving 304s back: it counts both settings of UPSTREAM_NOT_MODIFIED_COUNTS (above).
    UPSTREAM_BUDGET_PER_HOUR: '100000000',
    UPSTREAM_NOT_MODIFIED_COUNTS: 'false',
    SKIPTOKEN_SECRET: 'bench-refresh-secret-bench-refresh-secret',
    ...env,
  });
  const app = createApp({ config, logger: createLogger('error') });
  // With change notices, a real socket for the sandbox's deliveries: only those addressed to the gateway's webhook (the
  // seed's own hooks are delivered to the same relay, as the internet would deliver them elsewhere).
  const forward: RequestListener = (req, res) => (req.headers['x-sandbox-webhook-url'] === HOOK_URL ? app(req, res) : res.writeHead(204).end());
  const server = listen === undefined ? undefined : createHttpServer(forward);
  const listening = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.listen(listen, '127.0.0.1', resolve));
  return {
    request: supertest(app),
    ready: Promise.all([upstreamReadinessOf(app).settled(), listening]).then(() => undefined),
    close: async () => {
      noticeTrustOf(app)?.stop();
      if (server) await new Promise((resolve) => server.close(resolve));
      upstreamReadinessOf(app).stop();
      await storeOf(app).close();
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A throwaway redis-server (as scripts/with-test-services.sh starts one for npm test); stop() ends it by its pid. */
async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const work = mkdtempSync(path.join(tmpdir(), 'bench-refresh-redis-'));
  const started = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', work, '--daemonize', 'yes', '--pidfile', path.join(work, 'redis.pid'), '--logfile', path.join(work, 'redis.log')]);
  if (started.error || started.status !== 0) throw new Error(`redis-server did not start (${started.error?.message ?? started.stderr.toString()}); install it or set REFRESH_REDIS=off`);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      try {
        const pid = Number(readFileSync(path.join(work, 'redis.pid'), 'utf8').trim());
        process.kill(pid);
        // Its files are still written while it shuts down: wait for it to be gone (at most 5 s) before removing them.
        for (let waited = 0; waited < 5000; waited += 100) {
          process.kill(pid, 0);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } catch {
        // Gone (or never started).
      }
      rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

interface Scenario {
  seed: string;
  setup: string;
  first: Refresh;
  second: Refresh;
  peakRss: number;
  memo: typeof listMemoMetrics;
  /** Per set of the next refresh, its sandbox requests by kind (callKind); only for the setup with notices. */
  whereCalls: Map<string, Map<string, { calls: number; notModified: number }>>;
}

async function scenario(seed: string, setup: string, replicas: Request[], explain = false): Promise<Scenario> {
  const memoBefore = { ...listMemoMetrics };
  const sandboxUrl = `http://127.0.0.1:${SANDBOX_PORT}`;
  const whereCalls = new Map<string, Map<string, { calls: number; notModified: number }>>();
  const { result, peakRss } = await withPeakRss(async () => {
    const first = await refresh(replicas);
    const written = new Set(await writeDirectly(`${sandboxUrl}/2.0`));
    // Past the freshness window: the second refresh must find the writes, so nothing may be served as fresh.
    await new Promise((resolve) => setTimeout(resolve, (CACHE_SECONDS + 1) * 1000));
    // Where each set's calls go (the sandbox's request log, emptied before each set): for the setup with notices.
    const around = explain
      ? {
          before: async () => void (await fetch(`${sandboxUrl}/_sandbox/requests`, { method: 'DELETE' })),
          after: async (set: string) => {
            const logged = (await (await fetch(`${sandboxUrl}/_sandbox/requests`)).json()) as Array<{ path: string; status: number | null }>;
            const kinds = new Map<string, { calls: number; notModified: number }>();
            for (const entry of logged) {
              const kind = callKind(entry.path, written);
              const tally = kinds.get(kind) ?? { calls: 0, notModified: 0 };
              tally.calls += 1;
              if (entry.status === 304) tally.notModified += 1;
              kinds.set(kind, tally);
            }
            whereCalls.set(set, kinds);
          },
        }
      : undefined;
    const second = await refresh(replicas, around);
    return { first, second };
  });
  const memo = Object.fromEntries(Object.entries(listMemoMetrics).map(([name, value]) => [name, value - memoBefore[name as keyof typeof listMemoMetrics]])) as typeof listMemoMetrics;
  return { seed, setup, ...result, peakRss, memo, whereCalls };
}

const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`);

function print(result: Scenario): void {
  console.log(`\n## ${result.seed} seed, ${result.setup} (SANDBOX_LATENCY_MS=${LATENCY_MS}, UPSTREAM_CACHE_SECONDS=${CACHE_SECONDS})`);
  // 2nd: the next refresh. "304s" of its calls; "counted" by the budget when 304s count (true) and when they are free (false).
  console.log('set'.padEnd(26), 'rows'.padStart(8), 'calls 1st'.padStart(10), 'calls 2nd'.padStart(10), '2nd/1st'.padStart(9), '304s 2nd'.padStart(9), 'counted 2nd true/false'.padStart(23), ' status');
  const row = (name: string, rows: number, first: { calls: number }, again: { calls: number; counted: number; notModified: number }, status: string) =>
    console.log(
      name.padEnd(26),
      String(rows).padStart(8),
      String(first.calls).padStart(10),
      String(again.calls).padStart(10),
      percent(again.calls, first.calls).padStart(9),
      String(again.notModified).padStart(9),
      `${again.counted}/${again.counted - again.notModified}`.padStart(23),
      status,
    );
  result.first.walks.forEach((walk, index) => {
    const again = result.second.walks[index];
    const status = walk.status === 200 && again.status === 200 ? '' : ` ${walk.status} ${walk.code ?? ''} / ${again.status} ${again.code ?? ''}`;
    row(walk.set, again.rows, walk, again, status);
  });
  row('all sets', result.second.walks.reduce((total, walk) => total + walk.rows, 0), result.first, result.second, '');
  // The sandbox injects no faults (no retries), so every attempt the budget counted was a call sent. A set refused as
  // too wide used to answer its 400 before the calls it had in flight settled, and that answer's X-Upstream-Requests
  // missed them (CommitStatuses, default seed: header 22, budget 24, sandbox 24); it now abandons and awaits them
  // (map-with-concurrency.ts, spec/http/error-answer-counted.spec.ts: 22, 22, 22). The note stays as a guard.
  for (const [which, refreshed] of [['first', result.first], ['next', result.second]] as const) {
    if (refreshed.counted !== refreshed.calls) console.log(`note: the ${which} refresh's X-Upstream-Requests add up to ${refreshed.calls}, the budget counted ${refreshed.counted} attempts sent`);
  }
  console.log(
    `next refresh: ${result.second.calls} calls sent, ${result.second.notModified} of them 304s (${percent(result.second.notModified, result.second.calls)}); ` +
      `the budget counts ${result.second.counted} with UPSTREAM_NOT_MODIFIED_COUNTS=true (the default), ${result.second.counted - result.second.notModified} with false`,
  );
  console.log(`wall time: first ${(result.first.ms / 1000).toFixed(1)} s, second ${(result.second.ms / 1000).toFixed(1)} s; peak RSS of the gateway process ${(result.peakRss / 2 ** 20).toFixed(0)} MB`);
  if (result.whereCalls.size > 0) {
    console.log('where the next refresh\'s calls went (sandbox request log; workspace, repository written to or other, path; 304s):');
    for (const [set, kinds] of result.whereCalls) {
      if (kinds.size === 0) continue;
      const total = [...kinds.values()].reduce((all, tally) => all + tally.calls, 0);
      const parts = [...kinds].sort((a, b) => b[1].calls - a[1].calls).map(([kind, tally]) => `${kind} ${tally.calls}${tally.notModified > 0 ? ` (${tally.notModified} 304)` : ''}`);
      console.log(`  ${set} ${total}: ${parts.join('; ')}`);
    }
  }
  console.log(`lists kept (list-memo.ts): commits ${result.memo.unchanged} served after a branch-heads check, ${result.memo.grown} read only at the head; pull requests ${result.memo.updated} read by updated_on; ${result.memo.reread} read again in full; ${result.memo.fresh} served within the window; pull request commits and diffstat ${result.memo.sameRevision} served for an unchanged revision, ${result.memo.newRevision} read`);
}

async function main(): Promise<void> {
  const results: Scenario[] = [];
  for (const seed of SEEDS) {
    // A fresh sandbox per scenario: the writes of one do not change the other's first refresh.
    const plain = ONLY_REDIS ? ['two replicas, Redis'] : WITH_REDIS ? ['one replica', 'two replicas, Redis'] : ['one replica'];
    const setups = NOTICES === 'only' ? ['one replica, change notices'] : NOTICES === 'on' ? [...plain, 'one replica, change notices'] : plain;
    for (const setup of setups) {
      const notices = setup.includes('notices');
      const sandbox = await startSandboxProcess(SANDBOX_PORT, {
        SANDBOX_SIZE: seed,
        SANDBOX_LATENCY_MS: LATENCY_MS,
        ...(notices ? { SANDBOX_WEBHOOK_RELAY_URL: `http://127.0.0.1:${GATEWAY_PORT}/webhooks/bitbucket` } : {}),
      });
      const redis = setup.includes('Redis') ? await startRedis() : undefined;
      const hooked = notices ? await installWebhooks(`http://127.0.0.1:${SANDBOX_PORT}`).catch((error: unknown) => {
        sandbox.kill();
        throw error;
      }) : [];
      const workspaces = hooked.map((hook) => hook.workspace);
      const replicas = redis
        ? [gateway({ REDIS_URL: redis.url }), gateway({ REDIS_URL: redis.url })]
        : notices
          ? [gateway({ WEBHOOK_SECRET, WEBHOOK_WORKSPACES: workspaces.join(',') }, GATEWAY_PORT)]
          : [gateway({})];
      const noticesBefore = { ...changeNoticeMetrics, byEvent: new Map(changeNoticeMetrics.byEvent) };
      try {
        await Promise.all(replicas.map((replica) => replica.ready));
        const result = await scenario(seed, setup, replicas.map((replica) => replica.request), notices);
        print(result);
        if (notices) {
          const byEvent = [...changeNoticeMetrics.byEvent]
            .map(([key, count]) => [key, count - (noticesBefore.byEvent.get(key) ?? 0)] as const)
            .filter(([, count]) => count > 0)
            .map(([key, count]) => `${key} ${count}`);
          console.log(
            `change notices: ${changeNoticeMetrics.received - noticesBefore.received} delivered to the gateway (${byEvent.join(', ') || 'none signed'}), ` +
              `${changeNoticeMetrics.applied - noticesBefore.applied} applied, ${changeNoticeMetrics.rejected - noticesBefore.rejected} rejected; ` +
              `workspace webhooks of ${hooked.map((hook) => `${hook.workspace} (made by ${hook.owner})`).join(', ')}`,
          );
        }
        results.push(result);
      } finally {
        await Promise.all(replicas.map((replica) => replica.close()));
        await redis?.stop();
        sandbox.kill();
        await new Promise((resolve) => sandbox.once('exit', resolve));
      }
    }
  }
  console.log('\n## Summary: calls of a whole refresh, then of the next one after a handful of direct writes');
  console.log('seed'.padEnd(9), 'setup'.padEnd(22), 'calls 1st'.padStart(10), 'calls 2nd'.padStart(10), '2nd/1st'.padStart(9), '304s 2nd'.padStart(9), 'counted 2nd true/false'.padStart(23), 'Commits 1st/2nd'.padStart(16), 'PRs 1st/2nd'.padStart(12), 'wall 1st/2nd s'.padStart(15), 'peak RSS MB'.padStart(12));
  for (const result of results) {
    const calls = (refreshed: Refresh, set: string) => refreshed.walks.find((walk) => walk.set === set)?.calls ?? 0;
    console.log(
      result.seed.padEnd(9),
      result.setup.padEnd(22),
      String(result.first.calls).padStart(10),
      String(result.second.calls).padStart(10),
      percent(result.second.calls, result.first.calls).padStart(9),
      String(result.second.notModified).padStart(9),
      `${result.second.counted}/${result.second.counted - result.second.notModified}`.padStart(23),
      `${calls(result.first, 'Commits')}/${calls(result.second, 'Commits')}`.padStart(16),
      `${calls(result.first, 'PullRequests')}/${calls(result.second, 'PullRequests')}`.padStart(12),
      `${(result.first.ms / 1000).toFixed(0)}/${(result.second.ms / 1000).toFixed(0)}`.padStart(15),
      (result.peakRss / 2 ** 20).toFixed(0).padStart(12),
    );
  }
  // Per set, the next refresh of each setup side by side (the runs without and with change notices, back to back).
  for (const seed of SEEDS) {
    const ofSeed = results.filter((result) => result.seed === seed);
    if (ofSeed.length < 2) continue;
    console.log(`\n## ${seed} seed, per set: calls of the first refresh (${ofSeed[0].setup}), then of the next one in each setup`);
    console.log('set'.padEnd(26), 'calls 1st'.padStart(10), ...ofSeed.map((result) => `2nd, ${result.setup}`.padStart(Math.max(12, result.setup.length + 6))));
    const line = (name: string, first: number, next: number[]) =>
      console.log(name.padEnd(26), String(first).padStart(10), ...next.map((calls, index) => String(calls).padStart(Math.max(12, ofSeed[index].setup.length + 6))));
    ofSeed[0].first.walks.forEach((walk, index) => line(walk.set, walk.calls, ofSeed.map((result) => result.second.walks[index].calls)));
    line('all sets', ofSeed[0].first.calls, ofSeed.map((result) => result.second.calls));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
