/**
 * `npm run bench:analytics`: what the analyst sets of issue #16 cost Bitbucket. For each set it prints the upstream
 * calls (summed `X-Upstream-Requests`, every nextLink followed, as Power BI reads a feed) of
 * - loading the set whole (no filter: a fan-out over every repository, and over every pull request, pipeline or
 *   commit for the sets Bitbucket lists per parent; a set too wide answers 400 FanOutTooWide, shown as such), and
 * - an incremental refresh of one day: `<time column> ge D and <time column> lt D+1` (the window Power BI's
 *   incremental refresh sends for a one-day partition), on the set's time column; on the lists Bitbucket gives newest
 *   first without promising it (commits, pull request activity) also with `Prefer: bitbucket.trust-newest-first`,
 *   which stops each stream at the window's lower bound.
 * on the default seed (in process) and, unless `BENCH_SKIP_LARGE=1`, the large seed (in a child process, as
 * bench:paging). The gateway runs uncapped (bench/sandbox-process.ts, UNCAPPED), without the cache and the budget.
 */
import type { ChildProcess } from 'node:child_process';
import supertest from 'supertest';
import { startSandbox } from '../sandbox/app';
import { DEMO_USER } from '../sandbox/identities';
import { createApp, upstreamReadinessOf } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { findDefinition } from '../src/entity-sets/registry';
import { TRUST_NEWEST_FIRST } from '../src/http/trust-newest-first';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7997);
/** The seed's "now" is 2026-11-01T00:00:00Z (sandbox/seed/clock.ts): the last full day before it. */
const DAY_START = process.env.BENCH_DAY ?? '2026-10-31T00:00:00Z';
const DAY_END = new Date(Date.parse(DAY_START) + 86_400_000).toISOString().replace('.000Z', 'Z');

/** Each set of #16 (and PullRequests, for comparison) with the time column an incremental refresh filters on. */
const SETS: Array<{ set: string; time: string | null }> = [
  { set: 'PullRequests', time: 'UpdatedOn' },
  { set: 'PullRequestParticipants', time: 'ParticipatedOn' },
  { set: 'PullRequestActivity', time: 'Date' },
  { set: 'Commits', time: 'Date' },
  { set: 'PullRequestCommits', time: 'Date' },
  { set: 'PullRequestDiffstat', time: null },
  { set: 'Pipelines', time: 'CreatedOn' },
  { set: 'PipelineSteps', time: 'StartedOn' },
  { set: 'Deployments', time: 'CompletedOn' },
  { set: 'Environments', time: null },
  { set: 'CommitStatuses', time: 'UpdatedOn' },
  { set: 'BranchRestrictions', time: null },
  { set: 'DefaultReviewers', time: null },
];

type Request = ReturnType<typeof supertest>;

interface Walk {
  status: number;
  rows: number;
  calls: number;
  seconds: number;
  error?: string;
}

/** Every page of a query; the calls are the sum of X-Upstream-Requests. A non-200 stops the walk and is reported. */
async function walk(request: Request, url: string, prefer?: string): Promise<Walk> {
  const started = Date.now();
  let rows = 0;
  let calls = 0;
  let next: string | undefined = url;
  while (next) {
    const response = await request.get(next).set('Authorization', `Bearer ${DEMO_USER.bearerToken}`).set('Prefer', prefer ?? '');
    calls += Number(response.headers['x-upstream-requests'] ?? 0);
    if (response.status !== 200) {
      const error = (response.body as { error?: { code?: string } }).error?.code ?? response.text.slice(0, 80);
      return { status: response.status, rows, calls, seconds: (Date.now() - started) / 1000, error };
    }
    rows += (response.body.value as unknown[]).length;
    const link = response.body['@odata.nextLink'] as string | undefined;
    next = link ? link.slice(link.indexOf('/odata/')) : undefined;
  }
  return { status: 200, rows, calls, seconds: (Date.now() - started) / 1000 };
}

const describeWalk = (w: Walk): string => (w.status === 200 ? `${w.calls} calls, ${w.rows} rows` : `${w.status} ${w.error ?? ''} after ${w.calls} calls`);

async function benchAgainst(label: string, apiUrl: string): Promise<void> {
  const config = loadConfig({ BITBUCKET_API_URL: apiUrl, LOG_LEVEL: 'error', LOG_PROGRESS_EVERY: '0', ...UNCAPPED });
  const app = createApp({ config, logger: createLogger('error', () => undefined) });
  await upstreamReadinessOf(app).settled();
  const request = supertest(app);
  console.log(`\n${label} seed; incremental window ${DAY_START} .. ${DAY_END}`);
  console.log(['set', 'whole set', 'one day (time column)'].join(' | '));
  for (const { set, time } of SETS) {
    const whole = await walk(request, `/odata/${set}`);
    let day = '—';
    if (time) {
      const filter = encodeURIComponent(`${time} ge ${DAY_START} and ${time} lt ${DAY_END}`);
      day = `${describeWalk(await walk(request, `/odata/${set}?$filter=${filter}`))} (${time})`;
      // Lists Bitbucket gives newest first without promising it (ListRoute.newestFirst): the window with the stop the
      // client may opt into (src/http/trust-newest-first.ts).
      if (findDefinition(set)?.list?.newestFirst) day += `; with Prefer: ${TRUST_NEWEST_FIRST}: ${describeWalk(await walk(request, `/odata/${set}?$filter=${filter}`, TRUST_NEWEST_FIRST))}`;
    }
    console.log(`${set} | ${describeWalk(whole)} (${whole.seconds.toFixed(1)} s) | ${day}`);
  }
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ size: 'default', rateLimitPerHour: 100_000_000 }, 0);
  try {
    await benchAgainst('default', sandbox.apiUrl);
  } finally {
    await sandbox.close();
  }
  if (process.env.BENCH_SKIP_LARGE === '1') return;
  let child: ChildProcess | undefined;
  try {
    child = await startSandboxProcess(SANDBOX_PORT);
    await benchAgainst('large', `http://127.0.0.1:${SANDBOX_PORT}/2.0`);
  } finally {
    child?.kill();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
