/**
 * `npm run bench:paging`: what following every `@odata.nextLink` costs, the way Power BI and Excel read a feed.
 * For a few representative queries against the large sandbox seed it walks every page with
 * `Prefer: odata.maxpagesize`, and prints pages, rows, the upstream calls of the whole walk (summed
 * `X-Upstream-Requests`), calls per page, the calls of one unpaged read of the same query, and whether the walk
 * gave exactly the unpaged read's rows. The sandbox runs in a child process so its CPU is not the gateway's.
 */
import supertest from 'supertest';
import { DEMO_USER } from '../sandbox/identities';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startSandboxProcess } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7998);
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 100);

interface PagingQuery {
  name: string;
  url: string;
}

const QUERIES: PagingQuery[] = [
  { name: 'all PRs, key order', url: '/odata/PullRequests?$select=Workspace,RepositorySlug,Id' },
  { name: 'all PRs, CreatedOn desc', url: '/odata/PullRequests?$orderby=CreatedOn desc&$select=Workspace,RepositorySlug,Id,CreatedOn' },
  { name: "all PRs, contains(Title,'Fix')", url: "/odata/PullRequests?$filter=contains(Title,'Fix')&$select=Workspace,RepositorySlug,Id,Title" },
  { name: 'all PRs, Title asc (in-process)', url: '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title' },
  { name: 'all repositories', url: '/odata/Repositories?$select=Workspace,Slug' },
  { name: 'one repo, all commits', url: "/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$select=Hash,Date" },
];


type Request = ReturnType<typeof supertest>;
type Item = Record<string, unknown>;

async function read(request: Request, url: string, prefer?: string): Promise<{ rows: Item[]; next?: string; calls: number }> {
  let call = request.get(url).set('Authorization', `Bearer ${DEMO_USER.bearerToken}`);
  if (prefer) call = call.set('Prefer', prefer);
  const response = await call;
  if (response.status !== 200) throw new Error(`${url} → ${response.status} ${response.text}`);
  return { rows: response.body.value as Item[], next: response.body['@odata.nextLink'] as string | undefined, calls: Number(response.headers['x-upstream-requests']) };
}

async function walk(request: Request, url: string): Promise<{ pages: number; rows: Item[]; calls: number; maxCalls: number; ms: number }> {
  const started = process.hrtime.bigint();
  const rows: Item[] = [];
  let next: string | undefined = url;
  let pages = 0;
  let calls = 0;
  let maxCalls = 0;
  while (next) {
    const page = await read(request, next.replace(/^https?:\/\/[^/]+/, ''), `odata.maxpagesize=${PAGE_SIZE}`);
    rows.push(...page.rows);
    calls += page.calls;
    maxCalls = Math.max(maxCalls, page.calls);
    next = page.next;
    pages += 1;
    if (pages > 100_000) throw new Error(`${url}: nextLink loop`);
  }
  return { pages, rows, calls, maxCalls, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  try {
    const config = loadConfig({ BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`, MAX_PAGE_SIZE: '100000', LOG_LEVEL: 'error' });
    const request = supertest(createApp({ config, logger: createLogger('error') }));
    console.log(`every nextLink followed with Prefer: odata.maxpagesize=${PAGE_SIZE}\n`);
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
    );
    let total = 0;
    for (const query of QUERIES) {
      const unpaged = await read(request, query.url);
      if (unpaged.next) throw new Error(`${query.url}: the unpaged read was paged; raise MAX_PAGE_SIZE`);
      const result = await walk(request, query.url);
      total += result.calls;
      const same = JSON.stringify(result.rows) === JSON.stringify(unpaged.rows);
      console.log(
        query.name.padEnd(34),
        String(result.pages).padStart(6),
        String(result.rows.length).padStart(7),
        String(result.calls).padStart(7),
        (result.calls / result.pages).toFixed(1).padStart(11),
        String(result.maxCalls).padStart(9),
        String(unpaged.calls).padStart(8),
        result.ms.toFixed(0).padStart(8),
        (same ? 'yes' : 'NO').padStart(10),
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
