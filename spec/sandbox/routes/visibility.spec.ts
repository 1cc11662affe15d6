import type { RunningSandbox } from '../../../sandbox/app';
import { REPOSITORY_ACCESS_TOKEN, WORKSPACE_ACCESS_TOKEN } from '../../../sandbox/identities';
import { seedFacts } from '../../../sandbox/store';
import { ANONYMOUS, AS_DEMO, AS_OTHER, getJson, readAll, startTestSandbox } from '../sandbox-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

const repositoriesOf = (slug: string) => seedFacts(sandbox.store).workspaces.find((w) => w.slug === slug)!.repositories;
const AS_WORKSPACE_TOKEN = { authorization: `Bearer ${WORKSPACE_ACCESS_TOKEN.token}` };
const AS_REPOSITORY_TOKEN = { authorization: `Bearer ${REPOSITORY_ACCESS_TOKEN.token}` };

describe('repository visibility', () => {
  it.each([
    ['the demo user (member of both)', AS_DEMO, 'acme-dev', 'all'],
    ['the other user (not in acme-dev)', AS_OTHER, 'acme-dev', 'public'],
    ['the other user (member of blue-harbor)', AS_OTHER, 'blue-harbor', 'all'],
    ['an anonymous caller', ANONYMOUS, 'blue-harbor', 'public'],
    ['the acme-dev workspace token', AS_WORKSPACE_TOKEN, 'acme-dev', 'all'],
    ['the acme-dev workspace token', AS_WORKSPACE_TOKEN, 'blue-harbor', 'none'],
  ] as const)('%s sees %s repositories of %s', async (_who, headers, workspace, expected) => {
    const facts = repositoriesOf(workspace);
    const wanted = expected === 'all' ? facts : expected === 'public' ? facts.filter((r) => !r.isPrivate) : [];
    const response = await getJson(`${sandbox.apiUrl}/repositories/${workspace}?pagelen=100`, headers);
    if (expected === 'none') {
      expect(response.status).toBe(404);
      return;
    }
    const { values } = await readAll(`${sandbox.apiUrl}/repositories/${workspace}?pagelen=100`, headers);
    expect(values.map((v) => v.full_name).sort()).toEqual(wanted.map((r) => r.fullName).sort());
  });

  it('a private repository and everything under it is 404 for a non-member, like Bitbucket', async () => {
    const hidden = repositoriesOf('acme-dev').find((r) => r.isPrivate)!;
    for (const suffix of ['', '/pullrequests', '/commits', '/refs/branches', '/pipelines']) {
      const { status, body } = await getJson(`${sandbox.apiUrl}/repositories/${hidden.fullName}${suffix}`, AS_OTHER);
      expect(status).toBe(404);
      expect((body.error as { message: string }).message).toMatch(/either does not exist or you do not have access/);
    }
    expect((await getJson(`${sandbox.apiUrl}/repositories/${hidden.fullName}`, AS_DEMO)).status).toBe(200);
  });

  it('the repository token reaches its repository only', async () => {
    expect((await getJson(`${sandbox.apiUrl}/repositories/acme-dev/platform-api`, AS_REPOSITORY_TOKEN)).status).toBe(200);
    const other = repositoriesOf('acme-dev').find((r) => r.slug !== 'platform-api')!;
    expect((await getJson(`${sandbox.apiUrl}/repositories/${other.fullName}`, AS_REPOSITORY_TOKEN)).status).toBe(404);
  });

  it('workspace and repository path segments accept braced UUIDs', async () => {
    const workspace = seedFacts(sandbox.store).workspaces[0];
    const repository = workspace.repositories[0];
    const { status, body } = await getJson(`${sandbox.apiUrl}/repositories/${encodeURIComponent(workspace.uuid)}/${encodeURIComponent(repository.uuid)}`);
    expect(status).toBe(200);
    expect(body.full_name).toBe(repository.fullName);
  });

  it('members are for members: 403 for the other user in acme-dev', async () => {
    expect((await getJson(`${sandbox.apiUrl}/workspaces/acme-dev/members`, AS_OTHER)).status).toBe(403);
    expect((await getJson(`${sandbox.apiUrl}/workspaces/blue-harbor/members`, AS_OTHER)).status).toBe(200);
  });

  it('/user/workspaces lists the caller\'s workspaces with the administrator flag', async () => {
    const demo = await readAll(`${sandbox.apiUrl}/user/workspaces`, AS_DEMO);
    expect(demo.values.map((v) => [(v.workspace as { slug: string }).slug, v.administrator])).toEqual([['acme-dev', true], ['blue-harbor', false]]);
    const other = await readAll(`${sandbox.apiUrl}/user/workspaces`, AS_OTHER);
    expect(other.values.map((v) => (v.workspace as { slug: string }).slug)).toEqual(['blue-harbor']);
    const sorted = await readAll(`${sandbox.apiUrl}/user/workspaces?sort=-slug&q=${encodeURIComponent('slug ~ "a"')}`, AS_DEMO);
    expect(sorted.values.map((v) => (v.workspace as { slug: string }).slug)).toEqual(['blue-harbor', 'acme-dev']);
    expect((await getJson(`${sandbox.apiUrl}/user/workspaces`, ANONYMOUS)).status).toBe(401);
  });
});
