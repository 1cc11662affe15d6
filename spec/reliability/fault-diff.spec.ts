/**
 * A slice of `npm run bench:fault-diff` (bench/reliability/fault-diff.ts): 100 generated read queries against a
 * fault-free twin and against a gateway whose sandbox injects 5xx, resets and truncated bodies. Every faulted answer
 * is identical to the twin's or a clean 502/503/504 OData error; never a different 200.
 */
import { judgeAgainstTwin, printFaultDiff, runFaultDiff, type WalkResult } from '../../bench/reliability/fault-diff';

describe('fault diff slice', () => {
  test('100 queries under faults: identical or a clean upstream error, never a wrong 200', async () => {
    const report = await runFaultDiff({
      queries: 100,
      seed: 4242,
      faults: { errorRate: 0.08, resetRate: 0.03, truncateRate: 0.03 },
      concurrency: 8,
      timeoutMs: 30_000,
      maxPageSize: 500,
      // Comments fan out over every pull request (hundreds of calls a query) and commits read thousands of rows over
      // every repository: the bench covers both; the slice keeps to sets a query reads in a few calls.
      sets: ['Workspaces', 'WorkspaceMembers', 'Projects', 'Repositories', 'Branches', 'Tags', 'PullRequests', 'Pipelines', 'Webhooks'],
    });
    if (report.wrong.length > 0) printFaultDiff(report);
    expect(report.wrong).toEqual([]);
    expect(report.verdicts.get('identical')).toBeGreaterThan(50);
  }, 150_000);

  test('the judge: a different 200 is WRONG, an upstream error told as one is clean, a 500 is not', () => {
    const rows: WalkResult = { kind: 'rows', rows: [{ Id: 1 }, { Id: 2 }], count: 2, pages: 1 };
    expect(judgeAgainstTwin(rows, { ...rows })).toBe('identical');
    expect(judgeAgainstTwin(rows, { kind: 'rows', rows: [{ Id: 1 }], count: 2, pages: 1 })).toBe('WRONG');
    expect(judgeAgainstTwin(rows, { kind: 'error', status: 503, code: 'UpstreamUnavailable', clean: true, detail: '' })).toBe('clean error');
    expect(judgeAgainstTwin(rows, { kind: 'error', status: 500, code: 'Internal', clean: true, detail: '' })).toBe('WRONG');
    expect(judgeAgainstTwin(rows, { kind: 'error', status: 502, code: 'none', clean: false, detail: 'not JSON' })).toBe('WRONG');
  });
});
