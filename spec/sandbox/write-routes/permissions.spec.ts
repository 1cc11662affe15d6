import type { RunningSandbox } from '../../../sandbox/app';
import { startTestSandbox } from '../sandbox-fixture';
import { call, errorOf, get, resetSandbox, type Who } from './write-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
beforeEach(() => resetSandbox(sandbox));
afterAll(() => sandbox.close());

const branch = (repo: string) => ['POST', `/repositories/${repo}/refs/branches`, { name: 'perm/check', target: { hash: 'main' } }] as const;
const project = (ws: string) => ['POST', `/workspaces/${ws}/projects`, { key: 'PERM', name: 'Perm' }] as const;

/**
 * Who may write what, as Bitbucket answers: 401 without credentials; 404 where a read would be 404 (unknown, private
 * and invisible, outside a token's reach); 403 where the caller sees the target but lacks the access.
 * acme-dev: demo owns it, Olga is not a member (she sees its public repositories such as docs).
 * blue-harbor: demo has write access, Olga read access.
 */
const CASES: Array<[string, Who, readonly [string, string, unknown], number]> = [
  ['anonymous, public repository', 'anonymous', branch('acme-dev/docs'), 401],
  ['anonymous, project', 'anonymous', project('acme-dev'), 401],
  ['non-member, public repository', 'olga', branch('acme-dev/docs'), 403],
  ['non-member, private repository', 'olga', branch('acme-dev/platform-api'), 404],
  ['non-member, project', 'olga', project('acme-dev'), 403],
  ['read-only member, branch', 'olga', branch('blue-harbor/harbor-core'), 403],
  ['write member, project (needs admin)', 'demo', project('blue-harbor'), 403],
  ['write member, delete repository (needs admin)', 'demo', ['DELETE', '/repositories/blue-harbor/harbor-core', undefined], 403],
  ['write member, branch', 'demo', branch('blue-harbor/harbor-core'), 201],
  ['unknown workspace', 'demo', branch('nowhere/x'), 404],
  ['unknown repository', 'demo', branch('acme-dev/nothing-here'), 404],
  ['repository token, its repository', 'repositoryToken', branch('acme-dev/platform-api'), 201],
  ['repository token, another repository', 'repositoryToken', branch('acme-dev/docs'), 404],
  ['repository token, project', 'repositoryToken', project('acme-dev'), 403],
  ['workspace token, its workspace', 'workspaceToken', branch('acme-dev/docs'), 201],
  ['workspace token, another workspace', 'workspaceToken', branch('blue-harbor/harbor-core'), 404],
];

describe('access to writes', () => {
  it.each(CASES)('%s (%s) → %i', async (_case, who, [method, path, body], status) => {
    const answer = await call(sandbox, method, path, body, who);
    expect(answer.status).toBe(status);
    if (status >= 400) expect(errorOf(answer).message).toEqual(expect.any(String));
    if (method === 'POST' && path.endsWith('/refs/branches') && status !== 201 && status !== 404) {
      expect((await get(sandbox, `${path}/perm/check`)).status).toBe(404);
    }
  });

  it('reviewing and commenting need only read access: a read-only member comments and approves', async () => {
    const pr = ((await get(sandbox, '/repositories/blue-harbor/harbor-core/pullrequests?pagelen=1', 'olga')).body.values as Array<{ id: number }>)[0];
    const url = `/repositories/blue-harbor/harbor-core/pullrequests/${pr.id}`;
    expect((await call(sandbox, 'POST', `${url}/comments`, { content: { raw: 'Read-only but heard' } }, 'olga')).status).toBe(201);
    expect((await call(sandbox, 'POST', `${url}/approve`, undefined, 'olga')).status).toBe(200);
    expect((await call(sandbox, 'POST', `${url}/merge`, {}, 'olga')).status).toBe(403);
  });

  it('an access token writes as its bot user', async () => {
    const tag = await call(sandbox, 'POST', '/repositories/acme-dev/platform-api/refs/tags', { name: 'bot-tag', target: { hash: 'main' } }, 'repositoryToken');
    expect(tag.body.tagger).toMatchObject({ raw: expect.stringContaining('platform-api repository token'), user: { display_name: 'platform-api repository token' } });
  });
});

describe('bodies', () => {
  it.each([
    ['malformed JSON', '{"name":', 'The request body is not valid JSON'],
    ['a JSON array', '[1]', 'The request body must be a JSON object'],
  ])('%s → 400', async (_case, raw, message) => {
    const answer = await call(sandbox, 'POST', '/repositories/acme-dev/platform-api/refs/branches', raw);
    expect(answer.status).toBe(400);
    expect(errorOf(answer).message).toContain(message);
  });
});
