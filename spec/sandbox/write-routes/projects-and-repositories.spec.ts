import type { RunningSandbox } from '../../../sandbox/app';
import { startTestSandbox } from '../sandbox-fixture';
import { call, errorOf, get, resetSandbox } from './write-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
beforeEach(() => resetSandbox(sandbox));
afterAll(() => sandbox.close());

describe('projects', () => {
  it('POST creates (201, Location), GET reads it back, PUT changes it and moves updated_on, DELETE removes it', async () => {
    const created = await call(sandbox, 'POST', '/workspaces/acme-dev/projects', { key: 'NEWP', name: "Ops' \"new\" ✨", description: 'd' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${sandbox.apiUrl}/workspaces/acme-dev/projects/NEWP`);
    expect(created.body).toMatchObject({ type: 'project', key: 'NEWP', name: "Ops' \"new\" ✨", description: 'd', is_private: true });
    const read = await get(sandbox, '/workspaces/acme-dev/projects/NEWP');
    expect(read.body).toEqual(created.body);

    const updated = await call(sandbox, 'PUT', '/workspaces/acme-dev/projects/NEWP', { name: 'Renamed', is_private: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Renamed', is_private: false, description: 'd' });
    expect(String(updated.body.updated_on) > String(created.body.updated_on)).toBe(true);
    expect((await get(sandbox, '/workspaces/acme-dev/projects/NEWP')).body.name).toBe('Renamed');

    expect((await call(sandbox, 'DELETE', '/workspaces/acme-dev/projects/NEWP')).status).toBe(204);
    expect((await get(sandbox, '/workspaces/acme-dev/projects/NEWP')).status).toBe(404);
  });

  it('PUT with a new key in the body moves the project (Location), PUT on a free key creates it (201)', async () => {
    const moved = await call(sandbox, 'PUT', '/workspaces/acme-dev/projects/WEB', { key: 'WWW' });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('location')).toBe(`${sandbox.apiUrl}/workspaces/acme-dev/projects/WWW`);
    expect((await get(sandbox, '/workspaces/acme-dev/projects/WEB')).status).toBe(404);
    expect((await get(sandbox, '/repositories/acme-dev/web-frontend')).body.project).toMatchObject({ key: 'WWW' });
    const created = await call(sandbox, 'PUT', '/workspaces/acme-dev/projects/FRESH', { name: 'Fresh' });
    expect(created.status).toBe(201);
  });

  it.each([
    ['no key or name', {}, { key: ['This field is required.'], name: ['This field is required.'] }],
    ['a key that is not a key', { key: '1-bad', name: 'x' }, { key: [expect.stringContaining('must start with a letter')] }],
    ['a key already taken', { key: 'CORE', name: 'x' }, { key: ['Project with this Owner and Key already exists.'] }],
    ['wrong types', { key: 'OK', name: 'x', is_private: 'yes' }, { is_private: ['Expected true or false.'] }],
  ])('POST with %s → 400 naming the fields', async (_case, body, fields) => {
    const answer = await call(sandbox, 'POST', '/workspaces/acme-dev/projects', body);
    expect(answer.status).toBe(400);
    expect(errorOf(answer).fields).toEqual(fields);
  });

  it('DELETE is refused (403) while the project still has repositories', async () => {
    const answer = await call(sandbox, 'DELETE', '/workspaces/acme-dev/projects/CORE');
    expect(answer.status).toBe(403);
    expect(errorOf(answer).message).toContain('still contains 3 repositories');
    expect((await get(sandbox, '/workspaces/acme-dev/projects/CORE')).status).toBe(200);
  });
});

describe('repositories', () => {
  it('POST creates an empty repository (200, as the description says) in the oldest project; PUT and DELETE', async () => {
    const created = await call(sandbox, 'POST', '/repositories/acme-dev/new-service', { scm: 'git', is_private: false, description: 'New', language: 'Go' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ full_name: 'acme-dev/new-service', name: 'new-service', is_private: false, language: 'go', mainbranch: { name: 'main' } });
    expect((await get(sandbox, '/repositories/acme-dev/new-service/refs/branches')).body.values).toEqual([]);
    const listed = await get(sandbox, '/repositories/acme-dev?q=slug="new-service"');
    expect(listed.body.size).toBe(1);

    const updated = await call(sandbox, 'PUT', '/repositories/acme-dev/new-service', { description: 'Changed', project: { key: 'OPS' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ description: 'Changed', project: { key: 'OPS' } });

    expect((await call(sandbox, 'DELETE', '/repositories/acme-dev/new-service')).status).toBe(204);
    expect((await get(sandbox, '/repositories/acme-dev/new-service')).status).toBe(404);
  });

  it('a new name changes the slug and the Location; a taken slug is Bitbucket\'s 400', async () => {
    const renamed = await call(sandbox, 'PUT', '/repositories/acme-dev/docs', { name: 'Docs Site' });
    expect(renamed.headers.get('location')).toBe(`${sandbox.apiUrl}/repositories/acme-dev/docs-site`);
    expect((await get(sandbox, '/repositories/acme-dev/docs-site')).body.name).toBe('Docs Site');
    const taken = await call(sandbox, 'POST', '/repositories/acme-dev/platform-api', {});
    expect(taken.status).toBe(400);
    expect(errorOf(taken).fields).toEqual({ slug: ['Repository with this Slug and Owner already exists.'] });
  });

  it.each([
    ['an unknown project', { project: { key: 'NOPE' } }, 'project.key'],
    ['a mercurial repository', { scm: 'hg' }, 'scm'],
    ['an unknown fork policy', { fork_policy: 'sometimes' }, 'fork_policy'],
  ])('POST with %s → 400 on that one field', async (_case, body, field) => {
    const answer = await call(sandbox, 'POST', '/repositories/acme-dev/another', body);
    expect(answer.status).toBe(400);
    expect(Object.keys(errorOf(answer).fields ?? {})).toEqual([field]);
  });
});
