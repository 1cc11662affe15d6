/**
 * What a list item says about the spelling of the route values it was listed under (`ListRoute.spelledIn`): the
 * planner's table. `same` lets the list be read without its parent, `differs` names nothing, `unknown` reads the parent.
 */
import { findDefinition } from '../../src/entity-sets/registry';
import type { EntitySetDefinition } from '../../src/entity-sets/model';
import { itemsStateSpelling, spellingOf } from '../../src/plan/spelled-route-values';

function set(name: string): EntitySetDefinition {
  const def = findDefinition(name);
  if (!def?.list) throw new Error(`${name} has no list`);
  return def;
}

const comment = (href: unknown) => ({ id: 7, links: { self: { href } } });
const ROUTE = { workspace: 'acme-dev', repo_slug: 'platform-api', pull_request_id: '1' };
const BASE = 'http://127.0.0.1:9/2.0/repositories';

test.each([
  ['the link names the client spelling', comment(`${BASE}/acme-dev/platform-api/pullrequests/1/comments/7`), ROUTE, 'same'],
  ['another case of the slug', comment(`${BASE}/acme-dev/platform-api/pullrequests/1/comments/7`), { ...ROUTE, repo_slug: 'PLATFORM-API' }, 'differs'],
  ['another case of the workspace', comment(`${BASE}/acme-dev/platform-api/pullrequests/1/comments/7`), { ...ROUTE, workspace: 'Acme-Dev' }, 'differs'],
  ['percent-encoded segments are decoded', comment(`${BASE}/acme-dev/caf%C3%A9/pullrequests/1/comments/7`), { ...ROUTE, repo_slug: 'café' }, 'same'],
  ['another repository altogether (not a spelling of this one)', comment(`${BASE}/acme-dev/billing-api/pullrequests/1/comments/7`), ROUTE, 'unknown'],
  ['no link (a fields= that left it out)', { id: 7 }, ROUTE, 'unknown'],
  ['a link of another shape', comment(`${BASE}/acme-dev/platform-api/comments/7`), ROUTE, 'unknown'],
  ['a link that is not a string', comment(42), ROUTE, 'unknown'],
  ['malformed percent-encoding', comment(`${BASE}/acme-dev/%E0%A4%A/pullrequests/1/comments/7`), ROUTE, 'unknown'],
])('PullRequestComments: %s', (_name, item, route, expected) => {
  const def = set('PullRequestComments');
  expect(spellingOf(def, def.list!, item, route)).toBe(expected);
});

test.each([
  ['full_name and pipeline UUID as given', { repository: { full_name: 'acme-dev/platform-api' }, pipeline: { uuid: '{abc}' } }, '{abc}', 'same'],
  ['another spelling of the UUID', { repository: { full_name: 'acme-dev/platform-api' }, pipeline: { uuid: '{abc}' } }, '{ABC}', 'differs'],
  ['no pipeline stated', { repository: { full_name: 'acme-dev/platform-api' } }, '{abc}', 'unknown'],
])('PipelineSteps: %s', (_name, item, uuid, expected) => {
  const def = set('PipelineSteps');
  expect(spellingOf(def, def.list!, item, { workspace: 'acme-dev', repo_slug: 'platform-api', pipeline_uuid: uuid })).toBe(expected);
});

// A diffstat entry's files link into the repository (`…/src/{hash}/{path}`, the `diffstat` example of Bitbucket's
// description): the old side where there is one (the destination's commit), else the new one (an added file).
const file = (href: unknown) => ({ path: 'x', links: { self: { href } } });
const DIFF_ROUTE = { workspace: 'acme-dev', repo_slug: 'platform-api', pull_request_id: '1' };
const SRC = `${BASE}/acme-dev/platform-api/src/0123456789abcdef0123456789abcdef01234567`;
test.each([
  ['a modified file: both sides link as the client spelled it', { old: file(`${SRC}/a.ts`), new: file(`${SRC}/a.ts`) }, DIFF_ROUTE, 'same'],
  ['an added file: only the new side', { old: null, new: file(`${SRC}/a.ts`) }, DIFF_ROUTE, 'same'],
  ['a removed file: only the old side', { old: file(`${SRC}/a.ts`), new: null }, { ...DIFF_ROUTE, repo_slug: 'Platform-API' }, 'differs'],
  ['another case of the workspace', { old: file(`${SRC}/a.ts`), new: file(`${SRC}/a.ts`) }, { ...DIFF_ROUTE, workspace: 'ACME-DEV' }, 'differs'],
  // The file's own path may hold anything: only the first `/repositories/` after the API's base names the repository.
  ['a path that looks like another spelling is no evidence', { old: file(`${SRC}/docs/repositories/acme-dev/PLATFORM-API/src/x.md`), new: null }, DIFF_ROUTE, 'same'],
  ['a path that looks like the client spelling does not confirm it', { old: file(`${SRC}/docs/repositories/ACME-DEV/PLATFORM-API/src/x.md`), new: null }, { ...DIFF_ROUTE, workspace: 'ACME-DEV', repo_slug: 'PLATFORM-API' }, 'differs'],
  ['a fork\'s file (another repository altogether)', { old: null, new: file(`${BASE}/alice/platform-api/src/0123/a.ts`) }, DIFF_ROUTE, 'unknown'],
  ['no links (a fields= that left them out)', { old: { path: 'a.ts' }, new: { path: 'a.ts' } }, DIFF_ROUTE, 'unknown'],
  ['neither side', { old: null, new: null }, DIFF_ROUTE, 'unknown'],
])('PullRequestDiffstat: %s', (_name, item, route, expected) => {
  const def = set('PullRequestDiffstat');
  expect(spellingOf(def, def.list!, item, route)).toBe(expected);
});

test('only lists whose items state every route-spelled value decide by item', () => {
  expect(itemsStateSpelling(set('PullRequestComments'), set('PullRequestComments').list!)).toBe(true);
  expect(itemsStateSpelling(set('CommitStatuses'), set('CommitStatuses').list!)).toBe(true);
  expect(itemsStateSpelling(set('PullRequestDiffstat'), set('PullRequestDiffstat').list!)).toBe(true);
  expect(itemsStateSpelling(set('DefaultReviewers'), set('DefaultReviewers').list!)).toBe(false);
  expect(itemsStateSpelling(set('Environments'), set('Environments').list!)).toBe(false);
  expect(itemsStateSpelling(set('PullRequests'), set('PullRequests').list!)).toBe(false);
});
