import type { RunningSandbox } from '../../../sandbox/app';
import { OTHER_USER } from '../../../sandbox/identities';
import { startTestSandbox } from '../sandbox-fixture';
import { call, errorOf, get, REPO, resetSandbox } from './write-fixture';

const HARBOR = '/repositories/blue-harbor/harbor-core';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
beforeEach(() => resetSandbox(sandbox));
afterAll(() => sandbox.close());

async function firstOpen(repo = REPO): Promise<Record<string, unknown>> {
  const list = await get(sandbox, `${repo}/pullrequests?sort=id&pagelen=1`);
  return list.body.values ? (list.body.values as Array<Record<string, unknown>>)[0] : {};
}

/** A new branch at main's head (the sandbox cannot push commits; it lets a pull request have nothing to pull). */
async function newBranch(name: string, repo = REPO): Promise<void> {
  expect((await call(sandbox, 'POST', `${repo}/refs/branches`, { name, target: { hash: 'main' } })).status).toBe(201);
}

describe('create and update', () => {
  it('POST creates an OPEN pull request to the main branch by default, with reviewers; GET and the list show it', async () => {
    await newBranch('feature/new-pr');
    const members = (await get(sandbox, '/workspaces/acme-dev/members')).body.values as Array<{ user: { uuid: string; nickname: string } }>;
    const reviewer = members.map((m) => m.user).find((u) => u.nickname !== 'demo')!;
    const created = await call(sandbox, 'POST', `${REPO}/pullrequests`, {
      title: 'New work', source: { branch: { name: 'feature/new-pr' } }, description: 'Why', reviewers: [{ uuid: reviewer.uuid }],
      close_source_branch: true, draft: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'OPEN', title: 'New work', description: 'Why', destination: { branch: { name: 'main' } }, close_source_branch: true, draft: true, comment_count: 0, author: { nickname: 'demo' }, reviewers: [{ uuid: reviewer.uuid }] });
    expect(created.body.created_on).toBe(created.body.updated_on);
    const id = created.body.id as number;
    expect(created.body.participants).toEqual([expect.objectContaining({ role: 'REVIEWER', approved: false, user: expect.objectContaining({ uuid: reviewer.uuid }) })]);
    expect(created.headers.get('location')).toBe(`${sandbox.apiUrl}${REPO}/pullrequests/${id}`);
    expect((await get(sandbox, `${REPO}/pullrequests/${id}`)).body).toEqual(created.body);
    expect(((await get(sandbox, `${REPO}/pullrequests?pagelen=1`)).body.values as Array<{ id: number }>)[0].id).toBe(id);
  });

  it.each([
    ['no title and no source', {}, ['title', 'source.branch.name']],
    ['a source branch that does not exist', { title: 't', source: { branch: { name: 'nope' } } }, ['source']],
    ['a destination that does not exist', { title: 't', source: { branch: { name: 'main' } }, destination: { branch: { name: 'nope' } } }, ['destination']],
    ['the same branch on both sides', { title: 't', source: { branch: { name: 'main' } } }, ['source']],
    ['malformed reviewers', { title: 't', source: { branch: { name: 'main' } }, destination: { branch: { name: 'feature/login-page' } }, reviewers: ['x'] }, ['reviewers']],
  ])('POST with %s → 400', async (_case, body, fields) => {
    const answer = await call(sandbox, 'POST', `${REPO}/pullrequests`, body);
    expect(answer.status).toBe(400);
    expect(Object.keys(errorOf(answer).fields ?? {})).toEqual(fields);
  });

  it('the source branch message is Bitbucket\'s, and the author cannot review', async () => {
    const missing = await call(sandbox, 'POST', `${REPO}/pullrequests`, { title: 't', source: { branch: { name: 'nope' } } });
    expect(errorOf(missing).message).toBe('source: branch not found: nope');
    await newBranch('feature/self-review');
    const self = await call(sandbox, 'POST', `${REPO}/pullrequests`, { title: 't', source: { branch: { name: 'feature/self-review' } }, reviewers: [{ uuid: '{5e0d8a1c-0b6f-4a4e-9c53-6d0f0a7e1d01}' }] });
    expect(errorOf(self).message).toBe('reviewers: Demo User is the author and cannot be included as a reviewer.');
  });

  it('PUT changes title, description and reviewers of an open pull request and moves updated_on', async () => {
    const pr = await firstOpen(HARBOR);
    const updated = await call(sandbox, 'PUT', `${HARBOR}/pullrequests/${pr.id}`, { title: "Renamed: it's done", description: 'New text', reviewers: [{ uuid: OTHER_USER.uuid }] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ title: "Renamed: it's done", description: 'New text', summary: { raw: 'New text' }, reviewers: [{ uuid: OTHER_USER.uuid }] });
    expect(String(updated.body.updated_on) > String(pr.updated_on)).toBe(true);
    expect((await get(sandbox, `${HARBOR}/pullrequests/${pr.id}`)).body.title).toBe("Renamed: it's done");
  });

  it('a pull request cannot be deleted: 405 with Allow', async () => {
    const pr = await firstOpen();
    const answer = await call(sandbox, 'DELETE', `${REPO}/pullrequests/${pr.id}`);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, HEAD, PUT');
    expect(errorOf(answer).detail).toContain('decline');
  });
});

describe('actions', () => {
  it('approve / unapprove and request-changes / withdraw change the participant and updated_on', async () => {
    const pr = await firstOpen();
    const url = `${REPO}/pullrequests/${pr.id}`;
    const approved = await call(sandbox, 'POST', `${url}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ type: 'participant', approved: true, state: 'approved', user: { nickname: 'demo' } });
    const read = (await get(sandbox, url)).body;
    expect((read.participants as Array<{ user: { nickname: string }; approved: boolean }>).find((p) => p.user.nickname === 'demo')?.approved).toBe(true);
    expect(String(read.updated_on) > String(pr.updated_on)).toBe(true);

    const changes = await call(sandbox, 'POST', `${url}/request-changes`);
    expect(changes.body).toMatchObject({ approved: false, state: 'changes_requested' });
    expect((await call(sandbox, 'DELETE', `${url}/request-changes`)).status).toBe(204);
    expect((await call(sandbox, 'POST', `${url}/approve`)).status).toBe(200);
    expect((await call(sandbox, 'DELETE', `${url}/approve`)).status).toBe(204);
    const after = (await get(sandbox, url)).body.participants as Array<{ user: { nickname: string }; approved: boolean; state: string | null }>;
    expect(after.find((p) => p.user.nickname === 'demo')).toMatchObject({ approved: false, state: null });
  });

  it('merge with squash writes a commit on the destination, sets merge_commit, closed_by, state; then merge and decline are refused', async () => {
    const pr = await firstOpen();
    const url = `${REPO}/pullrequests/${pr.id}`;
    const merged = await call(sandbox, 'POST', `${url}/merge`, { type: 'pullrequest_merge_parameters', merge_strategy: 'squash', message: 'Squashed', close_source_branch: true });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ state: 'MERGED', closed_by: { nickname: 'demo' }, close_source_branch: true });
    const mergeHash = (merged.body.merge_commit as { hash: string }).hash;
    const main = (await get(sandbox, `${REPO}/refs/branches/main`)).body.target as { hash: string; message: string; parents: unknown[] };
    expect(main.hash.startsWith(mergeHash)).toBe(true);
    expect(main).toMatchObject({ message: 'Squashed', parents: [expect.anything()] });
    const source = (pr.source as { branch: { name: string } }).branch.name;
    expect((await get(sandbox, `${REPO}/refs/branches/${source}`)).status).toBe(404);
    expect(((await get(sandbox, `${REPO}/pullrequests?state=MERGED&q=id=${pr.id}`)).body.values as unknown[]).length).toBe(1);

    for (const action of ['merge', 'decline', 'approve']) {
      const refused = await call(sandbox, 'POST', `${url}/${action}`, {});
      expect(refused.status).toBe(400);
      expect(errorOf(refused).message).toContain('merged');
    }
    const put = await call(sandbox, 'PUT', url, { title: 'late' });
    expect(put.status).toBe(400);
  });

  it('merge_commit writes a two-parent commit; fast_forward is refused when the destination moved on', async () => {
    const [first, second] = (await get(sandbox, `${REPO}/pullrequests?sort=id&pagelen=2`)).body.values as Array<{ id: number }>;
    const merged = await call(sandbox, 'POST', `${REPO}/pullrequests/${first.id}/merge`, { merge_strategy: 'merge_commit' });
    const main = (await get(sandbox, `${REPO}/refs/branches/main`)).body.target as { parents: unknown[]; message: string };
    expect(main.parents).toHaveLength(2);
    expect(main.message).toMatch(/^Merged in .+ \(pull request #\d+\)/);
    expect(merged.body.state).toBe('MERGED');
    const ff = await call(sandbox, 'POST', `${REPO}/pullrequests/${second.id}/merge`, { merge_strategy: 'fast_forward' });
    expect(ff.status).toBe(400);
    expect(errorOf(ff).message).toContain('Fast-forward');
  });

  it('an invalid merge strategy is refused and nothing changes', async () => {
    const pr = await firstOpen();
    const answer = await call(sandbox, 'POST', `${REPO}/pullrequests/${pr.id}/merge`, { merge_strategy: 'rebase-everything' });
    expect(answer.status).toBe(400);
    expect(Object.keys(errorOf(answer).fields ?? {})).toEqual(['merge_strategy']);
    expect((await get(sandbox, `${REPO}/pullrequests/${pr.id}`)).body.state).toBe('OPEN');
  });

  it('decline sets DECLINED, closed_by and updated_on', async () => {
    const pr = await firstOpen();
    const declined = await call(sandbox, 'POST', `${REPO}/pullrequests/${pr.id}/decline`);
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ state: 'DECLINED', closed_by: { nickname: 'demo' } });
    expect((await get(sandbox, `${REPO}/pullrequests/${pr.id}`)).body.state).toBe('DECLINED');
  });
});
