import type { RunningSandbox } from '../../../sandbox/app';
import { startTestSandbox } from '../sandbox-fixture';
import { call, errorOf, get, REPO, resetSandbox } from './write-fixture';

let sandbox: RunningSandbox;
let mainHead: string;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
beforeEach(async () => {
  await resetSandbox(sandbox);
  mainHead = ((await get(sandbox, `${REPO}/refs/branches/main`)).body.target as { hash: string }).hash;
});
afterAll(() => sandbox.close());

describe('branches', () => {
  it('POST creates (201) from a full hash, a short one or a branch name; GET reads it; the repository is touched', async () => {
    const before = (await get(sandbox, REPO)).body.updated_on as string;
    for (const [name, hash] of [['feature/from-hash', mainHead], ['feature/from-prefix', mainHead.slice(0, 10)], ['feature/from-branch', 'main']]) {
      const created = await call(sandbox, 'POST', `${REPO}/refs/branches`, { name, target: { hash } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ type: 'branch', name, target: { hash: mainHead } });
      expect(created.headers.get('location')).toBe(`${sandbox.apiUrl}${REPO}/refs/branches/${name}`);
      expect((await get(sandbox, `${REPO}/refs/branches/${name}`)).body.name).toBe(name);
    }
    expect(String((await get(sandbox, REPO)).body.updated_on) > before).toBe(true);
  });

  it.each([
    ['an existing name', () => ({ name: 'main', target: { hash: mainHead } }), 'Branch "main" already exists', undefined],
    ['an unknown hash', () => ({ name: 'x', target: { hash: 'deadbeef' } }), undefined, 'target.hash'],
    ['no target', () => ({ name: 'x' }), undefined, 'target.hash'],
    ['a name git refuses', () => ({ name: 'bad..name', target: { hash: mainHead } }), undefined, 'name'],
    ['a refs/ prefix', () => ({ name: 'refs/heads/x', target: { hash: mainHead } }), undefined, 'name'],
  ])('POST with %s → 400', async (_case, body, message, field) => {
    const answer = await call(sandbox, 'POST', `${REPO}/refs/branches`, body());
    expect(answer.status).toBe(400);
    if (message) expect(errorOf(answer).message).toBe(message);
    if (field) expect(Object.keys(errorOf(answer).fields ?? {})).toEqual([field]);
  });

  it('DELETE removes a branch (204), refuses the main branch (400) and answers 404 for an unknown one', async () => {
    await call(sandbox, 'POST', `${REPO}/refs/branches`, { name: 'to/delete', target: { hash: mainHead } });
    expect((await call(sandbox, 'DELETE', `${REPO}/refs/branches/to/delete`)).status).toBe(204);
    expect((await get(sandbox, `${REPO}/refs/branches/to/delete`)).status).toBe(404);
    const main = await call(sandbox, 'DELETE', `${REPO}/refs/branches/main`);
    expect(main.status).toBe(400);
    expect(errorOf(main).message).toContain('main branch');
    expect((await call(sandbox, 'DELETE', `${REPO}/refs/branches/never-was`)).status).toBe(404);
  });

  it('there is no rename: PUT on a branch is 405 with Allow', async () => {
    const answer = await call(sandbox, 'PUT', `${REPO}/refs/branches/main`, { name: 'trunk' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, HEAD, DELETE');
  });
});

describe('tags', () => {
  it('POST creates an annotated tag with Bitbucket\'s default message, or the given one; DELETE removes it', async () => {
    const plain = await call(sandbox, 'POST', `${REPO}/refs/tags`, { name: 'v9.0.0', target: { hash: mainHead } });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ type: 'tag', name: 'v9.0.0', message: `Added tag v9.0.0 for changeset ${mainHead.slice(0, 12)}`, tagger: { raw: 'Demo User <demo@example.com>' } });
    const annotated = await call(sandbox, 'POST', `${REPO}/refs/tags`, { name: 'v9.0.1', target: { hash: mainHead }, message: 'Release ✨' });
    expect((await get(sandbox, `${REPO}/refs/tags/v9.0.1`)).body).toEqual(annotated.body);
    expect(annotated.body.message).toBe('Release ✨');

    const again = await call(sandbox, 'POST', `${REPO}/refs/tags`, { name: 'v9.0.0', target: { hash: mainHead } });
    expect(again.status).toBe(400);
    expect(errorOf(again).message).toBe('Tag "v9.0.0" already exists');

    expect((await call(sandbox, 'DELETE', `${REPO}/refs/tags/v9.0.0`)).status).toBe(204);
    expect((await get(sandbox, `${REPO}/refs/tags/v9.0.0`)).status).toBe(404);
    expect((await call(sandbox, 'DELETE', `${REPO}/refs/tags/v9.0.0`)).status).toBe(404);
  });
});
