/**
 * `npm run bench`: a fixed query set against the large sandbox seed, with pushdown on and off. Prints, per query,
 * the upstream calls, rows, wall time, rows/s and the gateway's own CPU time per row. The sandbox runs in a child
 * process so its CPU is not counted as the gateway's.
 */
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { DEMO_USER } from '../sandbox/identities';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startSandboxProcess, UNCAPPED } from './sandbox-process';

const SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 7999);

interface BenchQuery {
  name: string;
  url: string;
}

const QUERIES: BenchQuery[] = [
  { name: 'one repo, $top=10', url: "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=10" },
  { name: 'one repo, OPEN only', url: "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and State eq 'OPEN'" },
  { name: 'one repo, /$count MERGED', url: "/odata/PullRequests/$count?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and State eq 'MERGED'" },
  { name: 'one repo, newest 5 by CreatedOn', url: "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$orderby=CreatedOn desc&$top=5" },
  { name: 'workspace, contains(Title)', url: "/odata/PullRequests?$filter=Workspace eq 'acme-dev' and contains(Title,'Fix')&$select=RepositorySlug,Id,Title" },
  { name: 'all PRs, first 20 (key order)', url: '/odata/PullRequests?$top=20&$select=Workspace,RepositorySlug,Id' },
  { name: 'all PRs, newest 20', url: '/odata/PullRequests?$orderby=CreatedOn desc&$top=20&$select=Workspace,RepositorySlug,Id,CreatedOn' },
  { name: 'private repositories', url: "/odata/Repositories?$filter=IsPrivate eq true&$select=Workspace,Slug" },
  { name: 'one repo, 200 commits', url: "/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$top=200&$select=Hash,Date" },
  { name: 'one repo, failed pipelines', url: "/odata/Pipelines?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and Result eq 'FAILED'" },
];


async function runSet(pushdown: boolean): Promise<Array<{ name: string; calls: number; rows: number; ms: number; cpuMsPerRow: number }>> {
  const config = loadConfig({ BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`, PUSHDOWN: pushdown ? 'on' : 'off', MAX_PAGE_SIZE: '100000', LOG_LEVEL: 'error', ...UNCAPPED });
  const request = supertest(createApp({ config, logger: createLogger('error') }));
  const results = [];
  for (const query of QUERIES) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const response = await request.get(query.url).set('Authorization', `Bearer ${DEMO_USER.bearerToken}`);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    if (response.status !== 200) throw new Error(`${query.url} → ${response.status} ${response.text}`);
    const rows = Array.isArray(response.body?.value) ? response.body.value.length : Number(response.text);
    results.push({ name: query.name, calls: Number(response.headers['x-upstream-requests']), rows, ms, cpuMsPerRow: (used.user + used.system) / 1000 / Math.max(1, rows) });
  }
  return results;
}

/**
 * Latency the gateway adds: the same Bitbucket read (one repository by key, one upstream call) asked directly of
 * the sandbox and through the gateway over a real socket, sequentially, after a warm-up. Both sides pay the
 * sandbox's time; the difference is parsing, planning, the upstream round trip's client side and serializing.
 */
async function latencyAdded(samples = 300): Promise<{ direct: number[]; gateway: number[] }> {
  const config = loadConfig({ BITBUCKET_API_URL: `http://127.0.0.1:${SANDBOX_PORT}/2.0`, LOG_LEVEL: 'error', ...UNCAPPED });
  const server = createApp({ config, logger: createLogger('error') }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const headers = { Authorization: `Bearer ${DEMO_USER.bearerToken}` };
  const time = async (url: string): Promise<number> => {
    const started = process.hrtime.bigint();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} → ${response.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const directUrl = `http://127.0.0.1:${SANDBOX_PORT}/2.0/repositories/acme-dev/platform-api`;
  const gatewayUrl = `http://127.0.0.1:${port}/odata/Repositories(Workspace='acme-dev',Slug='platform-api')`;
  const direct: number[] = [];
  const gateway: number[] = [];
  try {
    for (let i = 0; i < 30; i++) await Promise.all([time(directUrl), time(gatewayUrl)]);
    for (let i = 0; i < samples; i++) {
      direct.push(await time(directUrl));
      gateway.push(await time(gatewayUrl));
    }
  } finally {
    server.close();
  }
  return { direct, gateway };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const sandbox = await startSandboxProcess(SANDBOX_PORT);
  try {
    const on = await runSet(true);
    const off = await runSet(false);
    const memory = process.memoryUsage();
    console.log('query'.padEnd(34), 'calls on/off'.padStart(13), 'rows'.padStart(7), 'ms on/off'.padStart(16), 'rows/s on'.padStart(11), 'CPU µs/row on'.padStart(14));
    on.forEach((result, i) => {
      const without = off[i];
      console.log(
        result.name.padEnd(34),
        `${result.calls}/${without.calls}`.padStart(13),
        String(result.rows).padStart(7),
        `${result.ms.toFixed(0)}/${without.ms.toFixed(0)}`.padStart(16),
        (result.rows / (result.ms / 1000)).toFixed(0).padStart(11),
        (result.cpuMsPerRow * 1000).toFixed(1).padStart(14),
      );
    });
    const total = (set: typeof on) => set.reduce((sum, r) => sum + r.calls, 0);
    console.log(`\nupstream calls, whole set: ${total(on)} with pushdown, ${total(off)} without`);
    console.log(`gateway heap used: ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB`);
    const { direct, gateway } = await latencyAdded();
    const line = (p: number) => `p${p} ${percentile(direct, p).toFixed(2)} ms direct, ${percentile(gateway, p).toFixed(2)} ms through the gateway, +${(percentile(gateway, p) - percentile(direct, p)).toFixed(2)} ms`;
    console.log(`\nlatency added (one repository by key, ${direct.length} sequential requests): ${line(50)}; ${line(95)}`);
  } finally {
    sandbox.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
