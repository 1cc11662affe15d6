/**
 * Columns of PullRequests derived from the same list call (issue #16 item 5): counts of reviewers, participants and
 * changes requested, and who closed it, equal what the pull request's own answer says; no call per row.
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

type Item = Record<string, unknown>;

test('ReviewerCount, ParticipantCount, ChangesRequestedCount and ClosedByUuid equal the pull requests, in one list call', async () => {
  const filter = encodeURIComponent("Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'");
  await stack.clearUpstreamCalls();
  const response = await stack.request
    .get(`/odata/PullRequests?$filter=${filter}&$select=Id,ReviewerCount,ParticipantCount,ChangesRequestedCount,ClosedByUuid&$top=50`)
    .set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(200);
  const calls = (await stack.upstreamCalls()).filter((call) => /\/pullrequests/.test(call.path));
  expect(calls).toHaveLength(1);
  const all = (
    await axios.get<{ values: Item[] }>(`${stack.apiUrl}/repositories/acme-dev/platform-api/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&pagelen=50&sort=id&fields=%2Bvalues.participants,%2Bvalues.reviewers`, { headers: { Authorization: DEMO_BEARER } })
  ).data.values;
  const rows = response.body.value as Item[];
  expect(rows.length).toBe(all.length);
  for (const pr of all) {
    const row = rows.find((candidate) => candidate.Id === pr.id) as Item;
    const participants = pr.participants as Item[];
    expect(row).toMatchObject({
      ReviewerCount: (pr.reviewers as Item[]).length,
      ParticipantCount: participants.length,
      ChangesRequestedCount: participants.filter((p) => p.state === 'changes_requested').length,
      ClosedByUuid: pr.closed_by ? (pr.closed_by as Item).uuid : null,
    });
  }
  expect(rows.some((row) => (row.ChangesRequestedCount as number) > 0) || all.every((pr) => (pr.participants as Item[]).every((p) => p.state !== 'changes_requested'))).toBe(true);
});
