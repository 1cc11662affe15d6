import type { RunningSandbox } from '../../../sandbox/app';
import { WEBHOOK_EVENTS } from '../../../sandbox/write-routes/webhook-events';
import { startTestSandbox } from '../sandbox-fixture';
import { call, get, REPO, resetSandbox } from './write-fixture';
import { Relay, type Delivery } from './webhook-relay';

/**
 * Which writes announce themselves, and how ("Event payloads", support.atlassian.com): a workspace webhook of acme-dev
 * subscribed to every event hears each write in its repositories; every payload has `repository` (full presentation)
 * and `actor`. Writes Bitbucket has no event for (projects, webhooks, the sandbox's pipeline runs) send nothing.
 */
let sandbox: RunningSandbox;
const relay = new Relay();
const ALL = 'https://example.com/all';
/** Three open pull requests: one to review and comment on, one to decline, one to merge (one sandbox for the file). */
let pr: string;
let toDecline: string;
let toMerge: string;
let main: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({ webhookRelayUrl: await relay.start(), webhookRetryDelayMs: 5 });
  await resetSandbox(sandbox);
  const hook = await call(sandbox, 'POST', '/workspaces/acme-dev/hooks', { url: ALL, events: WEBHOOK_EVENTS });
  expect(hook.status).toBe(201);
  const open = ((await get(sandbox, `${REPO}/pullrequests?sort=id&pagelen=3`)).body.values as Array<{ id: number }>).map((p) => `${REPO}/pullrequests/${p.id}`);
  [pr, toDecline, toMerge] = open;
  main = ((await get(sandbox, `${REPO}/refs/branches/main`)).body.target as { hash: string }).hash;
});
afterAll(async () => {
  await sandbox.close();
  await relay.close();
});

/** Sends a write, expects `status`, and returns what the all-events hook received for it. */
async function write(method: string, path: string, body: unknown, status: number): Promise<Delivery[]> {
  relay.clear();
  const answer = await call(sandbox, method, path, body);
  expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status });
  await sandbox.state.webhooks.idle();
  return relay.to(ALL);
}

const keys = (deliveries: Delivery[]) => deliveries.map((d) => d.headers['x-event-key']);
const changesOf = (delivery: Delivery) => (delivery.body.push as { changes: Array<Record<string, any>> }).changes;

function expectCommon(deliveries: Delivery[], fullName = 'acme-dev/platform-api'): void {
  for (const d of deliveries) {
    expect(d.body.repository).toMatchObject({ type: 'repository', full_name: fullName, uuid: expect.stringMatching(/^\{[0-9a-f-]{36}\}$/), links: expect.any(Object) });
    expect(d.body.actor).toMatchObject({ display_name: 'Demo User', uuid: '{5e0d8a1c-0b6f-4a4e-9c53-6d0f0a7e1d01}' });
  }
}

describe('refs: repo:push', () => {
  it('branch create and delete: one change, created then closed, with old/new as the refs API presents them', async () => {
    const created = await write('POST', `${REPO}/refs/branches`, { name: 'feature/hooks', target: { hash: main } }, 201);
    expect(keys(created)).toEqual(['repo:push']);
    expectCommon(created);
    expect(changesOf(created[0])).toEqual([expect.objectContaining({
      old: null, new: expect.objectContaining({ type: 'branch', name: 'feature/hooks', target: expect.objectContaining({ hash: main }) }),
      created: true, closed: false, forced: false, commits: [], truncated: false,
    })]);
    const deleted = await write('DELETE', `${REPO}/refs/branches/feature/hooks`, undefined, 204);
    expect(keys(deleted)).toEqual(['repo:push']);
    expect(changesOf(deleted[0])).toEqual([expect.objectContaining({ old: expect.objectContaining({ name: 'feature/hooks' }), new: null, created: false, closed: true })]);
  });

  it('tag create and delete', async () => {
    const created = await write('POST', `${REPO}/refs/tags`, { name: 'v9.9.9', target: { hash: main } }, 201);
    expect(keys(created)).toEqual(['repo:push']);
    expect(changesOf(created[0])[0]).toMatchObject({ old: null, new: { type: 'tag', name: 'v9.9.9' }, created: true });
    const deleted = await write('DELETE', `${REPO}/refs/tags/v9.9.9`, undefined, 204);
    expect(changesOf(deleted[0])[0]).toMatchObject({ old: { type: 'tag', name: 'v9.9.9' }, new: null, closed: true });
  });
});

describe('pull requests', () => {
  it('create and update', async () => {
    await write('POST', `${REPO}/refs/branches`, { name: 'feature/hooks-pr', target: { hash: main } }, 201);
    const created = await write('POST', `${REPO}/pullrequests`, { title: 'Hooks', source: { branch: { name: 'feature/hooks-pr' } } }, 201);
    expect(keys(created)).toEqual(['pullrequest:created']);
    expect(created[0].body.pullrequest).toMatchObject({ title: 'Hooks', state: 'OPEN' });
    const id = (created[0].body.pullrequest as { id: number }).id;
    expect(keys(await write('PUT', `${REPO}/pullrequests/${id}`, { title: 'Hooks!' }, 200))).toEqual(['pullrequest:updated']);
  });

  it('approve, unapprove, request changes and its removal carry approval / changes_request {date, user}', async () => {
    for (const [method, path, status, key, entity] of [
      ['POST', 'approve', 200, 'pullrequest:approved', 'approval'],
      ['DELETE', 'approve', 204, 'pullrequest:unapproved', 'approval'],
      ['POST', 'request-changes', 200, 'pullrequest:changes_request_created', 'changes_request'],
      ['DELETE', 'request-changes', 204, 'pullrequest:changes_request_removed', 'changes_request'],
    ] as const) {
      const deliveries = await write(method, `${pr}/${path}`, undefined, status);
      expect(keys(deliveries)).toEqual([key]);
      expectCommon(deliveries);
      expect(deliveries[0].body).toMatchObject({ [entity]: { date: expect.any(String), user: { display_name: 'Demo User' } }, pullrequest: { type: 'pullrequest' } });
    }
  });

  it('decline: pullrequest:rejected', async () => {
    const deliveries = await write('POST', `${toDecline}/decline`, undefined, 200);
    expect(keys(deliveries)).toEqual(['pullrequest:rejected']);
    expect(deliveries[0].body.pullrequest).toMatchObject({ state: 'DECLINED' });
  });

  it('merge: pullrequest:fulfilled, then repo:push moving the destination to the merge commit and closing the source', async () => {
    const before = (await get(sandbox, toMerge)).body as { destination: { branch: { name: string } }; source: { branch: { name: string } } };
    const destination = before.destination.branch.name;
    const old = ((await get(sandbox, `${REPO}/refs/branches/${destination}`)).body.target as { hash: string }).hash;
    const deliveries = await write('POST', `${toMerge}/merge`, { close_source_branch: true }, 200);
    // Two deliveries to the same hook, sent at once: they may arrive in either order, as Bitbucket promises no order.
    expect(keys(deliveries).sort()).toEqual(['pullrequest:fulfilled', 'repo:push']);
    expectCommon(deliveries);
    const byKey = (key: string) => deliveries.find((d) => d.headers['x-event-key'] === key)!;
    const merged = (byKey('pullrequest:fulfilled').body.pullrequest as { state: string; merge_commit: { hash: string } });
    expect(merged.state).toBe('MERGED');
    const [moved, closed] = changesOf(byKey('repo:push'));
    expect(moved).toMatchObject({ old: { name: destination, target: { hash: old } }, new: { name: destination, target: { hash: expect.stringMatching(`^${merged.merge_commit.hash}`) } }, created: false, closed: false, forced: false });
    const mergeHash = moved.new.target.hash as string;
    expect(moved.commits[0]).toMatchObject({ hash: mergeHash });
    expect(moved.links.commits.href).toContain(`include=${mergeHash}&exclude=${old}`);
    expect(closed).toMatchObject({ old: { name: before.source.branch.name }, new: null, closed: true });
  });

  it('comments: created, updated, deleted, each with comment and pullrequest', async () => {
    const created = await write('POST', `${pr}/comments`, { content: { raw: 'first' } }, 201);
    const id = (created[0].body.comment as { id: number }).id;
    const updated = await write('PUT', `${pr}/comments/${id}`, { content: { raw: 'second' } }, 200);
    const deleted = await write('DELETE', `${pr}/comments/${id}`, undefined, 204);
    expect([created, updated, deleted].map(keys)).toEqual([['pullrequest:comment_created'], ['pullrequest:comment_updated'], ['pullrequest:comment_deleted']]);
    expect(updated[0].body).toMatchObject({ comment: { id, content: { raw: 'second' } }, pullrequest: { type: 'pullrequest' } });
    expect(deleted[0].body).toMatchObject({ comment: { id, deleted: true } });
  });
});

describe('repositories', () => {
  it('update: repo:updated with changes {field: {old, new}}; also when only unnamed fields change', async () => {
    const oldDescription = (await get(sandbox, REPO)).body.description;
    const updated = await write('PUT', REPO, { description: 'Now with hooks' }, 200);
    expect(keys(updated)).toEqual(['repo:updated']);
    expectCommon(updated);
    expect(updated[0].body.changes).toEqual({ description: { old: oldDescription, new: 'Now with hooks' } });
    const privacy = await write('PUT', REPO, { is_private: false }, 200);
    expect(keys(privacy)).toEqual(['repo:updated']);
  });

  it("create: repo:created (workspace hooks); delete: repo:deleted to the workspace's hooks, not the repository's own", async () => {
    const created = await write('POST', '/repositories/acme-dev/hooked', { name: 'Hooked' }, 200);
    expect(keys(created)).toEqual(['repo:created']);
    expectCommon(created, 'acme-dev/hooked');
    const own = await call(sandbox, 'POST', '/repositories/acme-dev/hooked/hooks', { url: 'https://example.com/own', events: ['repo:deleted', 'repo:updated'] });
    expect(own.status).toBe(201);
    const deleted = await write('DELETE', '/repositories/acme-dev/hooked', undefined, 204);
    expect(keys(deleted)).toEqual(['repo:deleted']);
    expectCommon(deleted, 'acme-dev/hooked');
    expect(relay.to('https://example.com/own')).toHaveLength(0);
  });
});

describe('commit statuses', () => {
  it('POST creates (repo:commit_status_created), POST on the same key overwrites and PUT changes (repo:commit_status_updated)', async () => {
    const path = `${REPO}/commit/${main}/statuses/build`;
    const created = await write('POST', path, { key: 'HOOK-CI', state: 'INPROGRESS', url: 'https://ci.example.com/1', refname: 'main' }, 201);
    expect(keys(created)).toEqual(['repo:commit_status_created']);
    expectCommon(created);
    expect(created[0].body.commit_status).toMatchObject({ key: 'HOOK-CI', state: 'INPROGRESS', refname: 'main', commit: { hash: main } });
    const overwritten = await write('POST', path, { key: 'HOOK-CI', state: 'FAILED', url: 'https://ci.example.com/2' }, 201);
    expect(keys(overwritten)).toEqual(['repo:commit_status_updated']);
    const updated = await write('PUT', `${path}/HOOK-CI`, { state: 'SUCCESSFUL' }, 200);
    expect(keys(updated)).toEqual(['repo:commit_status_updated']);
    expect(updated[0].body.commit_status).toMatchObject({ key: 'HOOK-CI', state: 'SUCCESSFUL', url: 'https://ci.example.com/2', refname: null });
    expect((await get(sandbox, `${path}/HOOK-CI`)).body).toMatchObject({ state: 'SUCCESSFUL' });
    const listed = (await get(sandbox, `${REPO}/commit/${main}/statuses`)).body.values as Array<{ key: string }>;
    expect(listed.filter((s) => s.key === 'HOOK-CI')).toHaveLength(1);
  });

  it('refusals: PUT of an unknown key 404, a missing state or url 400, a changed key 400; nothing delivered', async () => {
    const path = `${REPO}/commit/${main}/statuses/build`;
    expect((await write('PUT', `${path}/NOPE`, { state: 'FAILED' }, 404))).toHaveLength(0);
    expect((await write('POST', path, { key: 'K' }, 400))).toHaveLength(0);
    await write('POST', path, { key: 'K', state: 'FAILED', url: 'https://ci.example.com' }, 201);
    expect((await write('PUT', `${path}/K`, { key: 'L' }, 400))).toHaveLength(0);
  });
});

describe('writes Bitbucket announces with no event', () => {
  it('projects, webhooks and pipeline runs send nothing', async () => {
    expect(await write('POST', '/workspaces/acme-dev/projects', { key: 'HOOKS', name: 'Hooks' }, 201)).toHaveLength(0);
    expect(await write('PUT', '/workspaces/acme-dev/projects/HOOKS', { description: 'changed' }, 200)).toHaveLength(0);
    expect(await write('DELETE', '/workspaces/acme-dev/projects/HOOKS', undefined, 204)).toHaveLength(0);
    const hook = await call(sandbox, 'POST', `${REPO}/hooks`, { url: 'https://example.com/x', events: ['repo:push'] });
    expect(await write('PUT', `${REPO}/hooks/${encodeURIComponent(hook.body.uuid as string)}`, { active: false }, 200)).toHaveLength(0);
    expect(await write('DELETE', `${REPO}/hooks/${encodeURIComponent(hook.body.uuid as string)}`, undefined, 204)).toHaveLength(0);
    const runs = await fetch(`${sandbox.url}/_sandbox/pipeline-runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspace: 'acme-dev', repository: 'platform-api', count: 2 }) });
    expect(runs.status).toBe(200);
    await sandbox.state.webhooks.idle();
    expect(relay.to(ALL)).toHaveLength(0);
  });
});
