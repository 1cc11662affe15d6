/**
 * Each write kind × each fault on the write itself (bench/reliability/write-fault-proxy.ts: a truncated answer, a
 * reset after sending, a timeout, a 500 before or after applying it), then the sandbox's state read directly: never
 * a duplicate, never a misleading answer (a 2xx for a write that did not happen, or an error other than
 * `504 WriteOutcomeUnknown` for one that did), never a non-idempotent write sent twice. The slice of
 * `npm run bench:write-faults`, which adds the sandbox's random faults on every call.
 */
import { WRITE_FAULTS, type WriteFault } from '../../bench/reliability/write-fault-proxy';
import { judgeWrite, openPullRequests, sendWrite, WRITE_KINDS, type WriteKind, type WriteTarget } from '../../bench/reliability/write-faults';
import { startReliabilityStack, type ReliabilityStack } from '../../bench/reliability/reliability-stack';

let stack: ReliabilityStack;
let pullRequests: Array<{ repo: string; id: number }>;
let mainHash: Map<string, string>;

beforeAll(async () => {
  stack = await startReliabilityStack({ writeFaults: true, holdMs: 800, env: { UPSTREAM_TIMEOUT_MS: '400', UPSTREAM_MAX_RETRIES: '1' } });
  ({ pullRequests, mainHash } = await openPullRequests(stack.sandbox));
});
afterAll(() => stack?.close());

const cases: Array<[string, WriteFault, WriteKind]> = WRITE_KINDS.flatMap((kind) => WRITE_FAULTS.map((fault): [string, WriteFault, WriteKind] => [kind.name, fault, kind]));
let nextPullRequest = 0;
let serial = 0;

function targetFor(kind: WriteKind): WriteTarget {
  // A kind that changes its pull request for good gets one of its own; creates share the first.
  const pullRequest = kind.usesOwnPullRequest ? pullRequests[(nextPullRequest += 1)] : pullRequests[0];
  return { repo: pullRequest.repo, pullRequestId: pullRequest.id, marker: `spec${(serial += 1)}`, mainHash: mainHash.get(pullRequest.repo) ?? '' };
}

async function expectTruthful(kind: WriteKind, fault: WriteFault, everyAttempt = false): Promise<void> {
  const record = await sendWrite(stack, kind, targetFor(kind), fault, 30_000, everyAttempt);
  record.effects = await kind.effects(stack.sandbox, record.target);
  const summary = { kind: kind.name, fault, status: record.status, code: record.code, effects: record.effects, sent: record.sent };
  expect({ ...summary, verdict: judgeWrite(record) }).toEqual({ ...summary, verdict: expect.stringMatching(/^(confirmed|honest unknown|refused, not applied)$/) });
  if (!kind.idempotent) expect({ ...summary, sentAtMostOnce: record.sent <= 1 }).toEqual({ ...summary, sentAtMostOnce: true });
}

describe('writes under a fault on the write itself', () => {
  for (const [name, fault, kind] of cases) {
    test(`${name} × ${fault}: truthful answer, no duplicate`, () => expectTruthful(kind, fault));
  }
});

// An idempotent write is retried; when every attempt meets the fault, the last error must not read as "not applied".
describe('idempotent writes under the same fault on every attempt', () => {
  for (const [name, fault, kind] of cases.filter(([, , candidate]) => candidate.idempotent)) {
    test(`${name} × ${fault} every time: truthful answer`, () => expectTruthful(kind, fault, true));
  }
});

describe('the judge', () => {
  test.each([
    [{ status: 201, code: '', effects: 1 }, 'confirmed'],
    [{ status: 201, code: '', effects: 0 }, 'MISLEADING'],
    [{ status: 201, code: '', effects: 2 }, 'DUPLICATE'],
    [{ status: 504, code: 'WriteOutcomeUnknown', effects: 1 }, 'honest unknown'],
    [{ status: 504, code: 'WriteOutcomeUnknown', effects: 0 }, 'honest unknown'],
    [{ status: 502, code: 'UpstreamError', effects: 1 }, 'MISLEADING'],
    [{ status: 502, code: 'UpstreamError', effects: 0 }, 'refused, not applied'],
    [{ status: 'hang' as const, code: '', effects: 0 }, 'MISLEADING'],
  ])('%j → %s', (record, verdict) => {
    expect(judgeWrite(record)).toBe(verdict);
  });
});
