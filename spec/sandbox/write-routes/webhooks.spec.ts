import type { RunningSandbox } from '../../../sandbox/app';
import { startTestSandbox } from '../sandbox-fixture';
import { call, errorOf, get, REPO, resetSandbox } from './write-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
beforeEach(() => resetSandbox(sandbox));
afterAll(() => sandbox.close());

describe.each([
  ['repository', `${REPO}/hooks`, 'repository'],
  ['workspace', '/workspaces/acme-dev/hooks', 'workspace'],
])('%s webhooks', (_name, base, subjectType) => {
  it('POST creates (201), GET one (braced or bare uid) and the list show it, PUT changes it, DELETE removes it', async () => {
    const created = await call(sandbox, 'POST', base, { description: 'CI', url: 'https://example.com/hook?a=1', events: ['repo:push', 'pullrequest:created'], secret: 's3cret' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'webhook_subscription', subject_type: subjectType, active: true, secret_set: true, events: ['pullrequest:created', 'repo:push'] });
    expect(created.body).not.toHaveProperty('secret');
    const uuid = created.body.uuid as string;
    expect(created.headers.get('location')).toBe(`${sandbox.apiUrl}${base}/${encodeURIComponent(uuid)}`);
    expect((await get(sandbox, `${base}/${encodeURIComponent(uuid)}`)).body).toEqual(created.body);
    expect((await get(sandbox, `${base}/${uuid.slice(1, -1).toUpperCase()}`)).body).toEqual(created.body);
    expect((await get(sandbox, base)).body.values).toContainEqual(created.body);

    const updated = await call(sandbox, 'PUT', `${base}/${encodeURIComponent(uuid)}`, { active: false, events: ['repo:push'], secret: null });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ active: false, events: ['repo:push'], secret_set: false, url: 'https://example.com/hook?a=1', description: 'CI' });

    expect((await call(sandbox, 'DELETE', `${base}/${encodeURIComponent(uuid)}`)).status).toBe(204);
    expect((await get(sandbox, `${base}/${encodeURIComponent(uuid)}`)).status).toBe(404);
    expect((await call(sandbox, 'DELETE', `${base}/${encodeURIComponent(uuid)}`)).status).toBe(404);
  });

  it.each([
    ['no url and no events', {}, ['url', 'events']],
    ['an internal address', { url: 'http://127.0.0.1:8080/x', events: ['repo:push'] }, ['url']],
    ['a relative url', { url: '/hook', events: ['repo:push'] }, ['url']],
    ['an unknown event', { url: 'https://example.com', events: ['repo:explode'] }, ['events']],
    ['a retired issue event', { url: 'https://example.com', events: ['issue:created'] }, ['events']],
    ['no events', { url: 'https://example.com', events: [] }, ['events']],
    ['a repeated event', { url: 'https://example.com', events: ['repo:push', 'repo:push'] }, ['events']],
  ])('POST with %s → 400', async (_case, body, fields) => {
    const answer = await call(sandbox, 'POST', base, body);
    expect(answer.status).toBe(400);
    expect(Object.keys(errorOf(answer).fields ?? {})).toEqual(fields);
  });
});

describe('who may manage webhooks', () => {
  it('workspace webhooks are for owners: a plain member with write access is refused (403), reads too', async () => {
    const body = { url: 'https://example.com', events: ['repo:push'] };
    expect((await call(sandbox, 'POST', '/workspaces/blue-harbor/hooks', body)).status).toBe(403);
    expect((await get(sandbox, '/workspaces/blue-harbor/hooks')).status).toBe(403);
    // Repository webhooks need admin access; the demo user has write access in blue-harbor.
    expect((await call(sandbox, 'POST', '/repositories/blue-harbor/harbor-core/hooks', body)).status).toBe(403);
  });
});
