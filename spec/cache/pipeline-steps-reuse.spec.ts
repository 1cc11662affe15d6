/**
 * A pipeline's steps are kept per revision (issue #14 item 3): a later refresh reads a pipeline's steps again only when
 * the pipeline list shows it moved (src/bitbucket/pipeline-revision.ts says what the revision holds and why). The
 * validator and the lists the memo takes are table-tested; then, on a real sandbox, the calls of a second walk past the
 * freshness window, a rerun of failed steps made directly in the sandbox, and a second user, each answer equal to a
 * cold gateway's.
 */
import supertest from 'supertest';
import { ListMemo, listMemoMetrics } from '../../src/bitbucket/list-memo';
import { pipelineStepsValidator, type PipelineRevision } from '../../src/bitbucket/pipeline-revision';
import type { PullRequestRevision } from '../../src/bitbucket/pull-request-revision';
import { DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import { DEMO_BEARER, type Stack, type UpstreamCall } from '../helpers/stack';
import { startWarmAndCold, walkPages, type WarmAndCold } from './warm-and-cold';

const completed: PipelineRevision = {
  kind: 'pipeline',
  state: 'COMPLETED',
  result: 'FAILED',
  completedOn: '2026-08-20T10:00:00.123456+00:00',
  buildSecondsUsed: '420',
};

describe('pipeline step validators', () => {
  test.each([
    ['a completed pipeline is kept', completed, true],
    ['a pending one is read every time', { ...completed, state: 'PENDING', result: '', completedOn: '' }, false],
    ['a running one is read every time', { ...completed, state: 'IN_PROGRESS', result: '', completedOn: '' }, false],
    ['a completed one listed without its result is not kept', { ...completed, result: '' }, false],
    ['a completed one listed without its completion time is not kept', { ...completed, completedOn: '' }, false],
    ['a completed one listed without its build seconds is not kept', { ...completed, buildSecondsUsed: '' }, false],
  ] as const)('%s', (_name, revision, defined) => {
    expect(pipelineStepsValidator(revision) !== undefined).toBe(defined);
  });

  test.each([
    ['the result (failed steps rerun and passed)', { ...completed, result: 'SUCCESSFUL' }],
    ['the completion time (it completed again)', { ...completed, completedOn: '2026-08-21T09:00:00.000001+00:00' }],
    ['the build seconds (the rerun steps used theirs)', { ...completed, buildSecondsUsed: '480' }],
  ] as const)('a change of %s is a new validator', (_name, after) => {
    expect(pipelineStepsValidator(after)).toBeDefined();
    expect(pipelineStepsValidator(after)).not.toEqual(pipelineStepsValidator(completed));
  });

  const memo = new ListMemo({
    store: { get: async () => undefined, set: async () => undefined },
    principalKey: () => 'principal',
    keepSeconds: 60,
    freshSeconds: 0,
    generation: async () => 'g',
  });
  const STEPS = '/repositories/acme-dev/widget/pipelines/%7Babc%7D/steps';
  const pullRequest: PullRequestRevision = {
    kind: 'pull-request',
    repository: 'acme-dev/widget',
    state: 'MERGED',
    sourceRepository: 'acme-dev/widget',
    sourceBranch: 'feature/x',
    sourceHash: 'a'.repeat(40),
    destinationBranch: 'main',
    destinationHash: 'b'.repeat(40),
  };
  test.each([
    ["takes a pipeline's steps read from the start with the pipeline's revision", STEPS, { pagelen: 100 }, completed, true],
    ['leaves them without a revision (a pipeline the client named)', STEPS, { pagelen: 100 }, undefined, false],
    ["leaves them with a pull request's revision", STEPS, { pagelen: 100 }, pullRequest, false],
    ['leaves them read from a later page', STEPS, { pagelen: 100, page: 2 }, completed, false],
    ["leaves a pull request's commits with a pipeline's revision", '/repositories/acme-dev/widget/pullrequests/1/commits', { pagelen: 100 }, completed, false],
  ] as const)('the memo %s', (_name, path, query, revision, taken) => {
    expect(memo.listOf(path, query, revision)?.kind === 'revision').toBe(taken);
  });
});

describe('pipeline steps against the sandbox', () => {
  let stack: Stack;
  let cold: ReturnType<typeof supertest>;
  let warm: WarmAndCold;
  // One public repository: 12 pipelines, 11 completed (three FAILED or ERROR), the newest PENDING.
  const SCOPE = "$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'widget'";
  const URL = `/odata/PipelineSteps?${SCOPE}`;

  beforeAll(async () => {
    warm = await startWarmAndCold();
    ({ stack, cold } = warm);
  });
  afterAll(() => warm?.close());

  const walk = (request: ReturnType<typeof supertest>, authorization = DEMO_BEARER) => walkPages(stack, request, URL, authorization);
  const stepCalls = (calls: UpstreamCall[]) => calls.filter((call) => /\/pipelines\/[^/]+\/steps$/.test(call.path)).map((call) => decodeURIComponent(call.path));
  const stepsPath = (uuid: string) => `/2.0/repositories/acme-dev/widget/pipelines/${uuid}/steps`;

  const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${path.startsWith('/_sandbox') ? stack.sandboxUrl : stack.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  type Pipeline = { uuid: string; state: { name: string; result?: { name: string } } };
  const pipelines = async () => (await api('GET', '/repositories/acme-dev/widget/pipelines?pagelen=100')).values as Pipeline[];
  const notCompleted = async () => (await pipelines()).filter((pipeline) => pipeline.state.name !== 'COMPLETED').map((pipeline) => stepsPath(pipeline.uuid));

  test('past the freshness window, a second walk reads the steps of no completed pipeline', async () => {
    const all = await pipelines();
    const first = await walk(stack.request);
    expect(stepCalls(first.calls)).toHaveLength(all.length);
    warm.pastWindow();
    const { sameRun, sameRevision } = listMemoMetrics;
    const second = await walk(stack.request);
    expect(second.rows).toEqual(first.rows);
    // Counted as steps served (the bench reports it), not as pull request sub-lists.
    expect([listMemoMetrics.sameRun - sameRun, listMemoMetrics.sameRevision - sameRevision]).toEqual([all.length - 1, 0]);
    // The pipeline list (whose items carry each revision) and the steps of the pipeline that has not completed.
    expect(stepCalls(second.calls)).toEqual(await notCompleted());
    expect(stepCalls(second.calls)).toHaveLength(1);
    expect(second.calls.filter((call) => !/\/steps$/.test(call.path)).map((call) => call.path)).toEqual(['/2.0/repositories/acme-dev/widget/pipelines']);
    expect((await walk(cold)).rows).toEqual(second.rows);
  });

  test('a rerun of failed steps made directly in the sandbox shows in the next walk past the window, equal to a cold read', async () => {
    const failed = (await pipelines()).find((pipeline) => pipeline.state.name === 'COMPLETED' && pipeline.state.result?.name !== 'SUCCESSFUL')!;
    expect(failed).toBeDefined();
    const stepsOf = (rows: unknown[]) => (rows as Array<{ PipelineUuid: string; State: string; Result: string | null; CompletedOn: string | null }>).filter((row) => row.PipelineUuid === failed.uuid);
    warm.pastWindow();
    const before = await walk(stack.request);
    expect(stepsOf(before.rows).some((row) => row.Result !== 'SUCCESSFUL')).toBe(true);

    // Rerun: the same pipeline runs its failed steps again, IN_PROGRESS meanwhile (read at every walk).
    await api('POST', '/_sandbox/pipeline-runs/rerun', { workspace: 'acme-dev', repository: 'widget', pipeline: failed.uuid });
    for (let walkNumber = 0; walkNumber < 2; walkNumber += 1) {
      warm.pastWindow();
      const running = await walk(stack.request);
      expect(running.rows).toEqual((await walk(cold)).rows);
      expect(stepsOf(running.rows).some((row) => row.State !== 'COMPLETED')).toBe(true);
      expect(stepCalls(running.calls).sort()).toEqual([...(await notCompleted())].sort());
      expect(stepCalls(running.calls)).toContain(stepsPath(failed.uuid));
    }

    // It completes again: a new completed_on and more build seconds, so its kept steps are not served.
    await api('POST', '/_sandbox/pipeline-runs/rerun', { workspace: 'acme-dev', repository: 'widget', pipeline: failed.uuid, finish: true });
    warm.pastWindow();
    const done = await walk(stack.request);
    expect(done.rows).toEqual((await walk(cold)).rows);
    expect(stepsOf(done.rows).every((row) => row.State === 'COMPLETED' && row.Result === 'SUCCESSFUL')).toBe(true);
    expect(stepCalls(done.calls)).toContain(stepsPath(failed.uuid));

    // Completed again, it is kept again: the next walk reads only the pipeline still pending.
    warm.pastWindow();
    const after = await walk(stack.request);
    expect(after.rows).toEqual(done.rows);
    expect(stepCalls(after.calls)).toEqual(await notCompleted());
    expect(stepCalls(after.calls)).not.toContain(stepsPath(failed.uuid));
  });

  test("security: the steps kept for one user are never another's", async () => {
    await walk(stack.request);
    warm.pastWindow();
    // Olga is no member of acme-dev: widget is public, so she may read it, but from Bitbucket, not from the demo user's memo.
    const basic = `Basic ${Buffer.from(`${OTHER_USER.email}:${OTHER_USER.apiToken}`).toString('base64')}`;
    const olga = await walk(stack.request, basic);
    expect(stepCalls(olga.calls)).toHaveLength((await pipelines()).length);
    expect(olga.rows).toEqual((await walk(cold, basic)).rows);
  });
});
