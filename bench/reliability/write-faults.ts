/**
 * `npm run bench:write-faults`: creates (comments, branches, webhooks, projects), updates, merges, declines and
 * approvals through the gateway while their answers meet faults, then the sandbox's own state, read directly with
 * faults off, says what happened. Two things must never be seen (issue #11 item 1):
 * - a **duplicate**: one gateway request whose entity exists twice (a create sent twice);
 * - a **misleading answer**: a 2xx for a write that did not happen, or an error other than `504 WriteOutcomeUnknown`
 *   for a write that did (Power Automate retries a 5xx, and the retry creates a duplicate).
 * Faults come from two places: the sandbox's random faults on every /2.0 call (reads too), and the write-fault proxy
 * (write-fault-proxy.ts), which gives a chosen fraction of the writes themselves a truncated answer, a reset, a
 * timeout, or a 500 before or after applying them. The sandbox's request log (`/_sandbox/requests`) says how often
 * each write reached it.
 *
 *   WRITE_FAULTS_CREATES=750 WRITE_FAULTS_PROXY_RATE=0.4 SANDBOX_ERROR_RATE=0.05 SANDBOX_RESET_RATE=0.03 SANDBOX_TRUNCATE_RATE=0.05 npm run bench:write-faults
 */
import http from 'node:http';
import type { AxiosInstance } from 'axios';
import { DEMO_USER } from '../../sandbox/identities';
import type { FaultOptions } from '../../sandbox/options';
import { createPrng } from '../../spec/helpers/prng';
import { DEMO_AUTHORIZATION, startReliabilityStack, type ReliabilityStack } from './reliability-stack';
import { sendRequest, type OutgoingRequest } from './send-request';
import { WRITE_FAULTS, type WriteFault } from './write-fault-proxy';

export const WORKSPACE = 'acme-dev';

/** What one write acts on: a repository, an open pull request for the kinds that change one, a unique marker. */
export interface WriteTarget {
  repo: string;
  pullRequestId: number;
  marker: string;
  /** Head of the repository's main branch, for branch creates. */
  mainHash: string;
}

export interface WriteKind {
  name: string;
  /** Changes its pull request for good (merge, decline, update, approve): each needs an open one of its own. */
  usesOwnPullRequest: boolean;
  /** Bitbucket applies it at most once however often it is sent (the gateway may retry it like a read). */
  idempotent: boolean;
  /** Creates an entity of its own: the one kind that can be duplicated. */
  creates: boolean;
  request(target: WriteTarget): OutgoingRequest;
  /** How many times the write took effect, read from the sandbox directly: 0 not at all, 1 once, more is a duplicate. */
  effects(sandbox: AxiosInstance, target: WriteTarget): Promise<number>;
}

const pr = (t: WriteTarget) => `/odata/PullRequests(Workspace='${WORKSPACE}',RepositorySlug='${t.repo}',Id=${t.pullRequestId})`;
const json = (method: string, path: string, body: unknown): OutgoingRequest => ({ method, path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const api = (t: WriteTarget) => `/2.0/repositories/${WORKSPACE}/${t.repo}`;

async function listAll<T>(sandbox: AxiosInstance, path: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = `${path}${path.includes('?') ? '&' : '?'}pagelen=50`;
  while (next) {
    const response: { status: number; data: { values: T[]; next?: string } } = await sandbox.get(next);
    if (response.status !== 200) throw new Error(`sandbox ${next} → ${response.status}`);
    items.push(...response.data.values);
    next = response.data.next?.replace(/^https?:\/\/[^/]+/, '');
  }
  return items;
}

async function pullRequestState(sandbox: AxiosInstance, t: WriteTarget): Promise<{ state: string; title: string; participants: Array<{ approved: boolean; user: { uuid: string } }> }> {
  const response = await sandbox.get(`${api(t)}/pullrequests/${t.pullRequestId}`);
  if (response.status !== 200) throw new Error(`sandbox pull request ${t.repo}#${t.pullRequestId} → ${response.status}`);
  return response.data;
}

export const WRITE_KINDS: readonly WriteKind[] = [
  {
    name: 'create comment',
    usesOwnPullRequest: false,
    idempotent: false,
    creates: true,
    request: (t) => json('POST', `${pr(t)}/Comments`, { Content: `comment ${t.marker}` }),
    effects: async (sandbox, t) => (await listAll<{ content: { raw: string } }>(sandbox, `${api(t)}/pullrequests/${t.pullRequestId}/comments`)).filter((c) => c.content.raw === `comment ${t.marker}`).length,
  },
  {
    name: 'create branch',
    usesOwnPullRequest: false,
    idempotent: false,
    creates: true,
    request: (t) => json('POST', `/odata/Repositories(Workspace='${WORKSPACE}',Slug='${t.repo}')/Branches`, { Name: `reliability/${t.marker}`, TargetHash: t.mainHash }),
    effects: async (sandbox, t) => ((await sandbox.get(`${api(t)}/refs/branches/${encodeURIComponent(`reliability/${t.marker}`)}`)).status === 200 ? 1 : 0),
  },
  {
    name: 'create webhook',
    usesOwnPullRequest: false,
    idempotent: false,
    creates: true,
    request: (t) => json('POST', `/odata/Repositories(Workspace='${WORKSPACE}',Slug='${t.repo}')/Webhooks`, { Url: `https://example.com/hooks/${t.marker}`, Events: 'repo:push', Active: true }),
    effects: async (sandbox, t) => (await listAll<{ url: string }>(sandbox, `${api(t)}/hooks`)).filter((h) => h.url === `https://example.com/hooks/${t.marker}`).length,
  },
  {
    name: 'create project',
    usesOwnPullRequest: false,
    idempotent: false,
    creates: true,
    request: (t) => json('POST', '/odata/Projects', { Workspace: WORKSPACE, Key: t.marker.toUpperCase().replace(/[^A-Z0-9]/g, ''), Name: `Project ${t.marker}` }),
    effects: async (sandbox, t) => ((await sandbox.get(`/2.0/workspaces/${WORKSPACE}/projects/${t.marker.toUpperCase().replace(/[^A-Z0-9]/g, '')}`)).status === 200 ? 1 : 0),
  },
  {
    name: 'update title',
    usesOwnPullRequest: true,
    idempotent: true,
    creates: false,
    request: (t) => json('PATCH', pr(t), { Title: `Title ${t.marker}` }),
    effects: async (sandbox, t) => ((await pullRequestState(sandbox, t)).title === `Title ${t.marker}` ? 1 : 0),
  },
  {
    name: 'merge',
    usesOwnPullRequest: true,
    idempotent: false,
    creates: false,
    request: (t) => json('POST', `${pr(t)}/Bitbucket.Merge`, { MergeStrategy: 'merge_commit' }),
    effects: async (sandbox, t) => ((await pullRequestState(sandbox, t)).state === 'MERGED' ? 1 : 0),
  },
  {
    name: 'decline',
    usesOwnPullRequest: true,
    idempotent: false,
    creates: false,
    request: (t) => json('POST', `${pr(t)}/Bitbucket.Decline`, {}),
    effects: async (sandbox, t) => ((await pullRequestState(sandbox, t)).state === 'DECLINED' ? 1 : 0),
  },
  {
    name: 'approve',
    usesOwnPullRequest: true,
    idempotent: true,
    creates: false,
    request: (t) => json('POST', `${pr(t)}/Bitbucket.Approve`, {}),
    // openPullRequests leaves out pull requests the demo user approved already, so an approval here is this write's.
    effects: async (sandbox, t) => ((await pullRequestState(sandbox, t)).participants.some((p) => p.approved && p.user.uuid === DEMO_USER.uuid) ? 1 : 0),
  },
];

/** One write as sent and as the sandbox saw it. */
export interface WriteRecord {
  kind: WriteKind;
  target: WriteTarget;
  /** The proxy's fault on the write itself, if any (the sandbox's random faults are not attributed). */
  fault: WriteFault | undefined;
  status: number | 'hang' | 'no answer';
  code: string;
  /** Times the write request reached the sandbox (its request log). */
  sent: number;
  effects?: number;
}

export type WriteVerdict = 'confirmed' | 'honest unknown' | 'refused, not applied' | 'MISLEADING' | 'DUPLICATE';

/** The rule of issue #11 item 1, for one write whose effects have been read. */
export function judgeWrite(record: Pick<WriteRecord, 'status' | 'code' | 'effects'>): WriteVerdict {
  const effects = record.effects ?? 0;
  if (effects > 1) return 'DUPLICATE';
  const happened = effects === 1;
  if (typeof record.status !== 'number') return 'MISLEADING';
  if (record.status >= 200 && record.status < 300) return happened ? 'confirmed' : 'MISLEADING';
  if (record.status === 504 && record.code === 'WriteOutcomeUnknown') return 'honest unknown';
  return happened ? 'MISLEADING' : 'refused, not applied';
}

// Idle sockets dropped before the gateway's 5 s keep-alive timeout (fuzz.ts says why).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1, timeout: 4_000 });

/**
 * Sends one write through the gateway and counts what reached the sandbox. The proxy gives `fault` to the first
 * attempt only (a transient fault, so a retry of an idempotent write, approve or update, meets none), or with
 * `everyAttempt` to each of them (a retried write that never gets a clear answer).
 */
export async function sendWrite(stack: ReliabilityStack, kind: WriteKind, target: WriteTarget, fault: WriteFault | undefined, timeoutMs = 30_000, everyAttempt = false): Promise<WriteRecord> {
  let pending = fault;
  if (stack.proxy) {
    stack.proxy.faultFor = () => {
      const once = pending;
      if (!everyAttempt) pending = undefined;
      return once;
    };
  }
  await stack.sandbox.delete('/_sandbox/requests');
  const request = kind.request(target);
  const result = await sendRequest(stack.gatewayUrl, { ...request, headers: { ...request.headers, Authorization: DEMO_AUTHORIZATION } }, { timeoutMs, agent });
  if (stack.proxy) stack.proxy.faultFor = () => undefined;
  let code = '';
  if (result.kind === 'answer' && result.status >= 400) {
    try {
      code = (JSON.parse(result.body) as { error: { code: string } }).error.code;
    } catch {
      code = 'no OData error';
    }
  }
  const log = (await stack.sandbox.get<Array<{ method: string }>>('/_sandbox/requests')).data;
  return {
    kind,
    target,
    fault,
    status: result.kind === 'answer' ? result.status : result.kind === 'hang' ? 'hang' : 'no answer',
    code,
    sent: log.filter((call) => call.method !== 'GET').length,
  };
}

/**
 * The open pull requests of the workspace (after a sandbox reset) that the demo user has not approved yet (so an
 * approval, like every other change, is visible as an effect), and each repository's main head.
 */
export async function openPullRequests(sandbox: AxiosInstance): Promise<{ pullRequests: Array<{ repo: string; id: number }>; mainHash: Map<string, string> }> {
  const repos = await listAll<{ slug: string; mainbranch?: { name: string } }>(sandbox, `/2.0/repositories/${WORKSPACE}`);
  const pullRequests: Array<{ repo: string; id: number }> = [];
  const mainHash = new Map<string, string>();
  for (const repo of repos) {
    const branch = await sandbox.get(`/2.0/repositories/${WORKSPACE}/${repo.slug}/refs/branches/${encodeURIComponent(repo.mainbranch?.name ?? 'main')}`);
    if (branch.status === 200) mainHash.set(repo.slug, branch.data.target.hash);
    for (const item of await listAll<{ id: number }>(sandbox, `/2.0/repositories/${WORKSPACE}/${repo.slug}/pullrequests?state=OPEN`)) {
      const state = await pullRequestState(sandbox, { repo: repo.slug, pullRequestId: item.id, marker: '', mainHash: '' });
      if (!state.participants.some((p) => p.approved && p.user.uuid === DEMO_USER.uuid)) pullRequests.push({ repo: repo.slug, id: item.id });
    }
  }
  return { pullRequests: pullRequests.filter((p) => mainHash.has(p.repo)), mainHash };
}

export interface WriteFaultsReport {
  writes: number;
  creates: number;
  verdicts: Map<WriteVerdict, number>;
  /** `kind × fault → status code` counts, for the table. */
  outcomes: Map<string, number>;
  /** Non-idempotent writes the sandbox received more than once. */
  sentTwice: number;
  bad: WriteRecord[];
}

export async function runWriteFaults(options: { creates: number; seed: number; proxyFaultRate: number; sandboxFaults: Partial<FaultOptions>; upstreamTimeoutMs: number }): Promise<WriteFaultsReport> {
  const rnd = createPrng(options.seed);
  const report: WriteFaultsReport = { writes: 0, creates: 0, verdicts: new Map(), outcomes: new Map(), sentTwice: 0, bad: [] };
  const stack = await startReliabilityStack({ writeFaults: true, holdMs: options.upstreamTimeoutMs * 2, env: { UPSTREAM_TIMEOUT_MS: String(options.upstreamTimeoutMs) } });
  const creators = WRITE_KINDS.filter((kind) => !kind.usesOwnPullRequest);
  const changers = WRITE_KINDS.filter((kind) => kind.usesOwnPullRequest);
  let serial = 0;
  try {
    while (report.creates < options.creates) {
      // A round: fresh seed data, one pull-request-changing write per open pull request, creates in between.
      await stack.sandbox.post('/_sandbox/faults/reset');
      await stack.sandbox.post('/_sandbox/reset');
      const { pullRequests, mainHash } = await openPullRequests(stack.sandbox);
      await stack.sandbox.put('/_sandbox/faults', options.sandboxFaults);
      const records: WriteRecord[] = [];
      for (const [index, pullRequest] of pullRequests.entries()) {
        if (report.creates >= options.creates) break;
        const kinds = [changers[index % changers.length], ...creators];
        for (const kind of kinds) {
          const target: WriteTarget = { repo: pullRequest.repo, pullRequestId: pullRequest.id, marker: `r${options.seed}x${(serial += 1)}`, mainHash: mainHash.get(pullRequest.repo) ?? '' };
          const fault = rnd.chance(options.proxyFaultRate) ? rnd.pick(WRITE_FAULTS) : undefined;
          records.push(await sendWrite(stack, kind, target, fault));
          if (kind.creates) report.creates += 1;
        }
      }
      // The truth, with every fault off.
      await stack.sandbox.post('/_sandbox/faults/reset');
      for (const record of records) {
        record.effects = await record.kind.effects(stack.sandbox, record.target);
        const verdict = judgeWrite(record);
        report.writes += 1;
        report.verdicts.set(verdict, (report.verdicts.get(verdict) ?? 0) + 1);
        const key = `${record.kind.name} | ${record.fault ?? '(sandbox faults only)'} | ${record.status}${record.code ? ` ${record.code}` : ''}`;
        report.outcomes.set(key, (report.outcomes.get(key) ?? 0) + 1);
        if (!record.kind.idempotent && record.sent > 1) report.sentTwice += 1;
        if (verdict === 'MISLEADING' || verdict === 'DUPLICATE' || (!record.kind.idempotent && record.sent > 1)) report.bad.push(record);
      }
    }
  } finally {
    await stack.close();
  }
  return report;
}

async function main(): Promise<void> {
  const rate = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const started = Date.now();
  const report = await runWriteFaults({
    creates: rate('WRITE_FAULTS_CREATES', 750),
    seed: rate('WRITE_FAULTS_SEED', 11),
    proxyFaultRate: rate('WRITE_FAULTS_PROXY_RATE', 0.4),
    sandboxFaults: { errorRate: rate('SANDBOX_ERROR_RATE', 0.05), resetRate: rate('SANDBOX_RESET_RATE', 0.03), truncateRate: rate('SANDBOX_TRUNCATE_RATE', 0.05), latencyMs: rate('SANDBOX_LATENCY_MS', 0) },
    upstreamTimeoutMs: rate('WRITE_FAULTS_UPSTREAM_TIMEOUT_MS', 1_000),
  });
  console.log(`writes: ${report.writes} (creates: ${report.creates}) in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log('| kind | fault on the write | answer | writes |\n|---|---|---|---|');
  for (const [key, count] of [...report.outcomes.entries()].sort()) console.log(`| ${key} | ${count} |`);
  console.log('\n| verdict | writes |\n|---|---|');
  for (const verdict of ['confirmed', 'honest unknown', 'refused, not applied', 'MISLEADING', 'DUPLICATE'] as const) console.log(`| ${verdict} | ${report.verdicts.get(verdict) ?? 0} |`);
  console.log(`non-idempotent writes sent twice: ${report.sentTwice}`);
  for (const record of report.bad.slice(0, 30)) {
    console.log(`  ${judgeWrite(record)}: ${record.kind.name} ${record.target.repo}#${record.target.pullRequestId} fault=${record.fault ?? 'sandbox'} → ${record.status} ${record.code}, effects ${record.effects}, sent ${record.sent}`);
  }
  if (report.bad.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
