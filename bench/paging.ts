/**
 * `npm run bench:paging`: what following every `@odata.nextLink` costs, the way Power BI and Excel read a feed.
 * For a few representative queries against the large sandbox seed it walks every page with
 * `Prefer: odata.maxpagesize`, and prints pages, rows, the upstream calls of the whole walk (summed
 * `X-Upstream-Requests`), calls per page, the calls of one unpaged read of the same query, whether the walk
 * gave exactly the unpaged read's rows, and the heap a paging snapshot holds after the first page (MB, and bytes per
 * row kept). The sandbox runs in a child process so its CPU is not the gateway's.
 *
 * Paging snapshots follow the PAGING_SNAPSHOT_* settings of the environment:
 * `PAGING_SNAPSHOT_MAX_ROWS=0 npm run bench:paging` measures the walks without them (cursor only).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import supertest from 'supertest';
import { DEMO_USER } from '../sandbox/identities';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7998);
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 100);

interface PagingQuery {
  name: string;
  url: string;
  /** Rows per page when not PAGE_SIZE: the gateway's default MAX_PAGE_SIZE, as Power BI reads without Prefer. */
  pageSize?: number;
}

const QUERIES: PagingQuery[] = [
  { name: 'all PRs, key order', url: '/odata/PullRequests?$select=Workspace,RepositorySlug,Id' },
  { name: 'all PRs, CreatedOn desc', url: '/odata/PullRequests?$orderby=CreatedOn desc&$select=Workspace,RepositorySlug,Id,CreatedOn' },
  { name: "all PRs, contains(Title,'Fix')", url: "/odata/PullRequests?$filter=contains(Title,'Fix')&$select=Workspace,RepositorySlug,Id,Title" },
  { name: 'all PRs, Title asc (in-process)', url: '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title' },
  { name: 'all PRs, Title asc, every column', url: '/odata/PullRequests?$orderby=Title' },
  { name: 'all repositories', url: '/odata/Repositories?$select=Workspace,Slug' },
  { name: 'one repo, all commits', url: "/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$select=Hash,Date" },
  { name: 'all commits, as Power BI reads', url: '/odata/Commits', pageSize: 1000 },
];

/** Full garbage collection, for the heap figures (the flag is set before the first call). */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap in use once the sockets and timers of earlier requests have let go of their buffers. */
async function heapUsed(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}


type Request = ReturnType<typeof supertest>;
type Item = Record<string, unknown>;

async function read(request: Request, url: string, prefer?: string): Promise<{ rows: Item[]; next?: string; calls: number }> {
  let call = request.get(url).set('Authorization', `Bearer ${DEMO_USER.bearerToken}`);
  if (prefer) call = call.set('Prefer', prefer);
  const response = await call;
  if (response.status !== 200) throw new Error(`${url} → ${response.status} ${response.text}`);
  return { rows: response.body.value as Item[], next: response.body['@odata.nextLink'] as string | undefined, calls: Number(response.headers['x-upstream-requests']) };
}

interface WalkResult {
  pages: number;
  rows: Item[];
  calls: number;
  maxCalls: number;
  ms: number;
  /** Heap grown by the first page, after garbage collection: the paging snapshot it kept (plus the page itself). */
  firstPageHeap: number;
  /** The first nextLink names a paging snapshot (its token payload has five fields). */
  snapshot: boolean;
}

function namesSnapshot(link: string | undefined): boolean {
  const token = link ? new URL(link).searchParams.get('$skiptoken') : null;
  return token !== null && (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as unknown[]).length === 5;
}

async function walk(request: Request, url: string, pageSize: number): Promise<WalkResult> {
  const heapBefore = await heapUsed();
  let firstPageHeap = 0;
  let snapshot = false;
  const started = process.hrtime.bigint();
  const rows: Item[] = [];
  let next: string | undefined = url;
  let pages = 0;
  let calls = 0;
  let maxCalls = 0;
  while (next) {
    const page = await read(request, next.replace(/^https?:\/\/[^/]+/, ''), `odata.maxpagesize=${pageSize}`);
    if (pages === 0) {
      firstPageHeap = (await heapUsed()) - heapBefore;
      snapshot = namesSnapshot(page.next);
    }
    rows.push(...page.rows);
    calls += page.calls;
    maxCalls = Math.max(maxCalls, page.calls);
    next = page.next;
    pages += 1;
    if (pages > 100_000) throw new Error(`${url}: nextLink loop`);
  }
  return { pages, rows, calls, maxCalls, ms: Number(process.hrtime.bigint() - started) / 1e6, firstPageHeap, snapshot };
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  try {
    const snapshotSettings = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PAGING_SNAPSHOT_')));
    // Unpaged reads must fit one response: above MAX_PAGE_SIZE's own limit, so set on the loaded configuration.
    const config = { ...loadConfig({ BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`, LOG_LEVEL: 'error', ...UNCAPPED, ...snapshotSettings }), maxPageSize: 1_000_000 };
    const request = supertest(createApp({ config, logger: createLogger('error') }));
    const { ttlSeconds, maxRows, maxTotalRows } = config.pagingSnapshots;
    console.log(`every nextLink followed with Prefer: odata.maxpagesize=${PAGE_SIZE} unless given after the name`);
    console.log(`paging snapshots: ttl ${ttlSeconds} s, at most ${maxRows} rows each, ${maxTotalRows} in all${ttlSeconds * maxRows * maxTotalRows === 0 ? ' (off)' : ''}\n`);
    console.log(
      'query'.padEnd(34),
      'pages'.padStart(6),
      'rows'.padStart(7),
      'calls'.padStart(7),
      'calls/page'.padStart(11),
      'max/page'.padStart(9),
      'unpaged'.padStart(8),
      'ms'.padStart(8),
      'same rows'.padStart(10),
      'kept MB'.padStart(8),
      'B/row'.padStart(6),
    );
    let total = 0;
    for (const query of QUERIES) {
      const unpaged = await read(request, query.url);
      if (unpaged.next) throw new Error(`${query.url}: the unpaged read was paged; raise MAX_PAGE_SIZE`);
      // Only the text is kept for the comparison, so that the heap figures of the walk see no other large object.
      const unpagedJson = JSON.stringify(unpaged.rows);
      const unpagedRows = unpaged.rows.length;
      unpaged.rows = [];
      const pageSize = query.pageSize ?? PAGE_SIZE;
      const result = await walk(request, query.url, pageSize);
      total += result.calls;
      const same = JSON.stringify(result.rows) === unpagedJson;
      const keptRows = result.snapshot ? unpagedRows - pageSize : 0;
      console.log(
        `${query.name}${query.pageSize ? ` (${pageSize})` : ''}`.padEnd(34),
        String(result.pages).padStart(6),
        String(result.rows.length).padStart(7),
        String(result.calls).padStart(7),
        (result.calls / result.pages).toFixed(1).padStart(11),
        String(result.maxCalls).padStart(9),
        String(unpaged.calls).padStart(8),
        result.ms.toFixed(0).padStart(8),
        (same ? 'yes' : 'NO').padStart(10),
        (keptRows > 0 ? (result.firstPageHeap / 2 ** 20).toFixed(1) : '-').padStart(8),
        (keptRows > 0 ? String(Math.round(result.firstPageHeap / keptRows)) : '-').padStart(6),
      );
      if (!same) process.exitCode = 1;
    }
    console.log(`\nupstream calls, all walks: ${total}`);
  } finally {
    sandbox.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
