/**
 * The event vocabulary as data (src/bitbucket/change-notices.ts): which paths a notice covers, and what a delivery
 * tells the gateway. Paths no event announces keep the ordinary window.
 */
import { coveredRepositoryOf, isUsedEvent, noticeOf } from '../../src/bitbucket/change-notices';

const R = '/repositories/acme-dev/platform-api';

test.each([
  // Announced by repo:push, pullrequest:*, repo:commit_status_*.
  [`${R}/refs/branches?pagelen=100&fields=next,values.name,values.target.hash`, true],
  [`${R}/refs/branches/feature%2Fx?fields=name,target.hash`, true],
  [`${R}/refs/tags`, true],
  [`${R}/commits`, true],
  [`${R}/commit/0123456789abcdef0123456789abcdef01234567`, true],
  [`${R}/commit/abc/statuses`, true],
  [`${R}/pullrequests?state=OPEN&fields=next,values.id,values.state,values.participants.approved`, true],
  [`${R}/pullrequests/activity`, true],
  [`${R}/pullrequests/7?fields=values.id,values.title`, true],
  [`${R}/pullrequests/7/comments`, true],
  [`${R}/pullrequests/7/activity`, true],
  [`${R}/pullrequests/7/commits`, true],
  [`${R}/pullrequests/7/diffstat`, true],
  [`${R}/src/main/README.md`, true],
  // No event: the ordinary window.
  [`${R}/pipelines`, false],
  [`${R}/pipelines/{1}/steps`, false],
  [`${R}/deployments`, false],
  [`${R}/environments`, false],
  [`${R}/branch-restrictions`, false],
  [`${R}/default-reviewers`, false],
  [`${R}/hooks`, false],
  [`${R}/pullrequests/7/tasks`, false],
  // Indexed by Bitbucket after the fact (202 "still being indexed"): a read just after the notice may miss the change.
  [`${R}/commit/0123456789abcdef0123456789abcdef01234567/pullrequests`, false],
  // The repository itself: repo:updated announces its name, description, website and language only.
  [R, false],
  // A branch carries its merge strategies (repository settings, no event): covered only when `fields` leaves them out.
  [`${R}/refs/branches`, false],
  [`${R}/refs/branches?fields=values.name,values.default_merge_strategy`, false],
  [`${R}/refs/branches/main`, false],
  // A pull request carries task_count, which no event announces: covered only when `fields` leaves it out.
  [`${R}/pullrequests`, false],
  [`${R}/pullrequests/7`, false],
  [`${R}/pullrequests?fields=values.id,values.task_count`, false],
  [`${R}/pullrequests?fields=values.id%2Cvalues.task_count`, false],
  [`${R}/pullrequests/7?fields=%2Bvalues.participants`, false],
  [`${R}/pullrequests/7?fields=-values.links`, false],
  [`${R}/pullrequests/7?fields=*`, false],
  // A raw '+' in a query means '+' to Bitbucket's fields (default fields plus), not the space a form decoder reads.
  [`${R}/pullrequests/7?fields=+values.participants`, false],
  [`${R}/refs/branches?fields=+values.target.date`, false],
  // `values` names whole items, with every default field (task_count, merge strategies) in them.
  [`${R}/pullrequests?fields=next,values`, false],
  [`${R}/refs/branches?fields=values,next`, false],
  [`${R}/pullrequests?fields=values.id,values.title`, true],
  ['/repositories/acme-dev', false],
  ['/workspaces/acme-dev/members', false],
  ['/workspaces/acme-dev/projects', false],
  ['/workspaces', false],
  ['/user', false],
  // Dot segments: a server on the way may resolve them into another repository's path.
  [`${R}/src/../../other-repo/refs/tags`, false],
  [`${R}/src/%2E%2E/%2E%2E/other-repo/refs/tags`, false],
  [`${R}/src/main/./README.md`, false],
  // Named by UUID: notices name repositories by full_name, so nothing would mark these.
  ['/repositories/{11111111-1111-1111-1111-111111111111}/platform-api/refs/branches', false],
  ['/repositories/acme-dev/{22222222-2222-2222-2222-222222222222}/refs/branches', false],
])('%s covered: %s', (path, covered) => {
  expect(coveredRepositoryOf(path) !== undefined).toBe(covered);
});

test('the repository is named in lower case', () => {
  expect(coveredRepositoryOf('/repositories/Acme-Dev/Platform-API/refs/tags')).toEqual({ workspace: 'acme-dev', slug: 'platform-api' });
});

test.each([
  ['repo:push', 'repository'],
  ['pullrequest:comment_created', 'repository'],
  ['pullrequest:fulfilled', 'repository'],
  ['repo:commit_status_updated', 'repository'],
  ['repo:updated', 'workspace'],
  ['repo:deleted', 'workspace'],
  ['repo:imported', 'workspace'],
  ['pullrequest:push', 'repository'],
])('%s marks its %s', (eventKey, scope) => {
  const reading = noticeOf(eventKey, { repository: { full_name: 'acme-dev/platform-api' }, actor: {} });
  expect(reading).toEqual({ kind: 'apply', notice: { eventKey, fullName: 'acme-dev/platform-api', workspace: 'acme-dev', scope, alsoWorkspaces: [] } });
});

test('unused and malformed deliveries', () => {
  expect(isUsedEvent('issue:created')).toBe(false);
  expect(noticeOf('issue:created', {})).toEqual({ kind: 'unused', eventKey: 'issue:created' });
  expect(noticeOf('repo:push', { repository: {} }).kind).toBe('malformed');
  expect(noticeOf('repo:push', null).kind).toBe('malformed');
  expect(noticeOf('repo:push', { repository: { full_name: 'no-slash' } }).kind).toBe('malformed');
});

test('a transfer marks its workspace and every declared one (the one it left may go unnamed)', () => {
  const reading = noticeOf('repo:transfer', { repository: { full_name: 'acme-dev/platform-api' }, actor: {} });
  expect(reading).toEqual({ kind: 'apply', notice: { eventKey: 'repo:transfer', fullName: 'acme-dev/platform-api', workspace: 'acme-dev', scope: 'workspace', alsoWorkspaces: [], everyWorkspace: true } });
});

test('a transfer also marks the workspace it came from, when the payload names it', () => {
  const reading = noticeOf('repo:transfer', { repository: { full_name: 'blue-harbor/platform-api' }, previous_workspace: { slug: 'acme-dev' } });
  expect(reading.kind === 'apply' && reading.notice.alsoWorkspaces).toEqual(['acme-dev']);
});
