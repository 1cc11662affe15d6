/**
 * Writes and actions through OData against the sandbox, each read back through the gateway. Invalid bodies never
 * reach Bitbucket (the sandbox's request log shows no write), refusals keep Bitbucket's message, and a create whose
 * answer is lost is not sent twice.
 */
import axios from 'axios';
import { OTHER_USER } from '../../sandbox/identities';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
const ws = 'acme-dev';
const repo = 'platform-api';
const control = () => axios.create({ baseURL: stack.sandboxUrl, validateStatus: () => true });
const as = (method: 'get' | 'post' | 'patch' | 'delete' | 'put', url: string, auth = DEMO_BEARER) => stack.request[method](url).set('Authorization', auth);
const writesUpstream = async () => (await stack.upstreamCalls()).filter((call) => call.method !== 'GET');

beforeAll(async () => {
  stack = await startStack({ env: { UPSTREAM_TIMEOUT_MS: '500' } });
});
beforeEach(async () => {
  await stack.resetSandbox();
  await control().post('/_sandbox/faults/reset');
  await stack.clearUpstreamCalls();
});
afterAll(() => stack.close());

async function firstOpenPullRequest(): Promise<{ Id: number; Title: string }> {
  const response = await as('get', `/odata/PullRequests?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}' and State eq 'OPEN'&$top=1`);
  expect(response.body.value.length).toBe(1);
  return response.body.value[0];
}

async function mainHead(): Promise<string> {
  const branches = await as('get', `/odata/Branches?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}'&$top=1&$select=TargetHash`);
  return branches.body.value[0].TargetHash;
}

describe('create', () => {
  test('a project: 201 with Location and OData-EntityId, then readable by key', async () => {
    const response = await as('post', '/odata/Projects').send({ Workspace: ws, Key: 'NEWP', Name: "Ops' \"new\" project ✨", IsPrivate: true });
    expect(response.status).toBe(201);
    expect(response.headers.location).toMatch(/Projects\(Workspace='acme-dev',Key='NEWP'\)$/);
    expect(response.headers['odata-entityid']).toBe(response.headers.location);
    expect(response.body.Name).toBe("Ops' \"new\" project ✨");
    const read = await as('get', `/odata/Projects(Workspace='${ws}',Key='NEWP')`);
    expect(read.status).toBe(200);
    expect(read.body.IsPrivate).toBe(true);
  });

  test('a branch through navigation, with Prefer: return=minimal', async () => {
    const hash = await mainHead();
    const response = await as('post', `/odata/Repositories(Workspace='${ws}',Slug='${repo}')/Branches`).set('Prefer', 'return=minimal').send({ Name: 'feature/odata-made', TargetHash: hash });
    expect(response.status).toBe(204);
    expect(response.headers['preference-applied']).toBe('return=minimal');
    expect(response.headers.location).toContain("Name='feature%2Fodata-made'");
    const read = await as('get', `/odata/Branches?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}' and Name eq 'feature/odata-made'`);
    expect(read.body.value).toHaveLength(1);
    expect(read.body.value[0].TargetHash).toBe(hash);
  });

  test('a pull request comment through navigation raises CommentCount', async () => {
    const pr = await firstOpenPullRequest();
    const before = (await as('get', `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})`)).body.CommentCount;
    const response = await as('post', `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})/Comments`).send({ Content: 'Looks good 👍' });
    expect(response.status).toBe(201);
    expect(response.body.Content).toBe('Looks good 👍');
    const after = (await as('get', `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})`)).body.CommentCount;
    expect(after).toBe(before + 1);
  });

  test('an existing branch name is a conflict that keeps Bitbucket\'s message', async () => {
    const hash = await mainHead();
    const existing = (await as('get', `/odata/Branches?$filter=Workspace eq '${ws}' and RepositorySlug eq '${repo}'&$top=1`)).body.value[0].Name;
    const response = await as('post', '/odata/Branches').send({ Workspace: ws, RepositorySlug: repo, Name: existing, TargetHash: hash });
    expect([400, 409]).toContain(response.status);
    expect(response.body.error.message).toMatch(/Bitbucket refused/);
  });
});

describe('invalid bodies never reach Bitbucket', () => {
  const cases: Array<[string, string, Record<string, unknown>, string[]]> = [
    ['missing required fields', '/odata/Projects', { Workspace: ws }, ['Key', 'Name']],
    ['unknown and read-only properties', '/odata/Projects', { Workspace: ws, Key: 'X', Name: 'x', Nope: 1, Uuid: '{x}' }, ['Nope', 'Uuid']],
    ['wrong types', '/odata/Projects', { Workspace: ws, Key: 7, Name: 'x', IsPrivate: 'yes' }, ['Key', 'IsPrivate']],
    ['a value outside the allowed set', '/odata/Repositories', { Workspace: ws, Slug: 'new-repo', ForkPolicy: 'sometimes' }, ['ForkPolicy']],
  ];
  test.each(cases)('%s', async (_name, url, body, targets) => {
    const response = await as('post', url).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('InvalidBody');
    const reported = response.body.error.details.map((d: { target: string }) => d.target);
    for (const target of targets) expect(reported).toContain(target);
    expect(await writesUpstream()).toEqual([]);
  });

  test('a body that is not JSON is 415, and malformed JSON is 400', async () => {
    expect((await as('post', '/odata/Projects').set('Content-Type', 'text/plain').send('Key=X')).status).toBe(415);
    const malformed = await as('post', '/odata/Projects').set('Content-Type', 'application/json').send('{"Key":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBeDefined();
    expect(await writesUpstream()).toEqual([]);
  });

  test('an invalid merge strategy is refused before anything is sent', async () => {
    const pr = await firstOpenPullRequest();
    const response = await as('post', `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})/Bitbucket.Merge`).send({ MergeStrategy: 'rebase-everything' });
    expect(response.status).toBe(400);
    expect(await writesUpstream()).toEqual([]);
  });
});

describe('update and delete', () => {
  test('PATCH a pull request title, honouring If-Match', async () => {
    const pr = await firstOpenPullRequest();
    const url = `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})`;
    const read = await as('get', url);
    const etag = read.headers.etag;
    expect(etag).toMatch(/^W\/"/);
    const stale = await as('patch', url).set('If-Match', 'W/"2000-01-01T00:00:00Z"').send({ Title: 'Stale' });
    expect(stale.status).toBe(412);
    expect(await writesUpstream()).toEqual([]);
    const response = await as('patch', url).set('If-Match', etag).send({ Title: "Renamed: it's done" });
    expect(response.status).toBe(200);
    expect(response.body.Title).toBe("Renamed: it's done");
    expect((await as('get', url)).body.Title).toBe("Renamed: it's done");
  });

  test('only versioned entities carry an ETag: none on an unversioned entity or an error', async () => {
    const branch = await as('get', `/odata/Branches(Workspace='${ws}',RepositorySlug='${repo}',Name='main')`);
    expect(branch.status).toBe(200);
    expect(branch.headers.etag).toBeUndefined();
    const missing = await as('get', `/odata/Projects(Workspace='${ws}',Key='NOPE')`);
    expect(missing.status).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
  });

  test('DELETE a branch, then it is gone', async () => {
    const hash = await mainHead();
    await as('post', '/odata/Branches').send({ Workspace: ws, RepositorySlug: repo, Name: 'to-delete', TargetHash: hash });
    const response = await as('delete', `/odata/Branches(Workspace='${ws}',RepositorySlug='${repo}',Name='to-delete')`);
    expect(response.status).toBe(204);
    expect((await as('get', `/odata/Branches(Workspace='${ws}',RepositorySlug='${repo}',Name='to-delete')`)).status).toBe(404);
  });

  test('operations Bitbucket does not offer are 405 with the reason and Allow', async () => {
    const pr = await firstOpenPullRequest();
    const del = await as('delete', `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})`);
    expect(del.status).toBe(405);
    expect(del.body.error.message).toContain('Decline');
    expect(del.headers.allow).toBe('GET, PATCH, PUT');
    const rename = await as('patch', `/odata/Branches(Workspace='${ws}',RepositorySlug='${repo}',Name='main')`).send({ Name: 'trunk' });
    expect(rename.status).toBe(405);
    expect(rename.body.error.message).toContain('rename');
    expect((await as('post', '/odata/Commits')).status).toBe(405);
  });

  test('a webhook: create, update, delete', async () => {
    const created = await as('post', `/odata/Repositories(Workspace='${ws}',Slug='${repo}')/Webhooks`).send({ Url: 'https://example.com/hook', Events: 'repo:push,pullrequest:created', Active: true });
    expect(created.status).toBe(201);
    const url = `/odata/Webhooks(Workspace='${ws}',RepositorySlug='${repo}',Uuid='${created.body.Uuid}')`;
    const updated = await as('patch', url).send({ Active: false, Events: 'repo:push' });
    expect(updated.status).toBe(200);
    expect([updated.body.Active, updated.body.Events]).toEqual([false, 'repo:push']);
    expect((await as('delete', url)).status).toBe(204);
    expect((await as('get', url)).status).toBe(404);
  });
});

describe('actions', () => {
  test('Approve raises ApprovalCount; Merge with a strategy merges', async () => {
    const pr = await firstOpenPullRequest();
    const url = `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})`;
    const before = (await as('get', url)).body.ApprovalCount;
    const approved = await as('post', `${url}/Bitbucket.Approve`).send({});
    expect(approved.status).toBe(200);
    expect(approved.body.ApprovalCount).toBe(before + 1);
    const merged = await as('post', `${url}/Bitbucket.Merge`).send({ MergeStrategy: 'squash', Message: 'Squashed by OData' });
    expect(merged.status).toBe(200);
    expect(merged.body.State).toBe('MERGED');
    const again = await as('post', `${url}/Bitbucket.Decline`).send({});
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  test('an unknown action is 404 naming the available ones', async () => {
    const pr = await firstOpenPullRequest();
    const response = await as('post', `/odata/PullRequests(Workspace='${ws}',RepositorySlug='${repo}',Id=${pr.Id})/Bitbucket.Explode`).send({});
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain('Bitbucket.Merge');
  });
});

describe('upstream refusals and lost answers', () => {
  test('a user without write access gets 403 or 404, and nothing changes', async () => {
    const response = await stack.request.post('/odata/Projects').set('Authorization', `Bearer ${OTHER_USER.bearerToken}`).send({ Workspace: ws, Key: 'NOPE', Name: 'x' });
    expect([403, 404]).toContain(response.status);
    expect((await as('get', `/odata/Projects(Workspace='${ws}',Key='NOPE')`)).status).toBe(404);
  });

  test('a create whose answer arrives after the timeout is reported as unknown and never sent twice', async () => {
    await control().put('/_sandbox/faults', { responseDelayMs: 1500 });
    const response = await as('post', '/odata/Projects').send({ Workspace: ws, Key: 'SLOW', Name: 'Slow project' });
    expect(response.status).toBe(504);
    expect(response.body.error.code).toBe('WriteOutcomeUnknown');
    await control().post('/_sandbox/faults/reset');
    const posts = (await writesUpstream()).filter((call) => call.method === 'POST');
    expect(posts).toHaveLength(1);
    const read = await as('get', `/odata/Projects?$filter=Workspace eq '${ws}' and Key eq 'SLOW'`);
    expect(read.body.value).toHaveLength(1);
  });
});
