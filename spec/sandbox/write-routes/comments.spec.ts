import type { RunningSandbox } from '../../../sandbox/app';
import { startTestSandbox } from '../sandbox-fixture';
import { call, errorOf, get, REPO, resetSandbox } from './write-fixture';

let sandbox: RunningSandbox;
let pr: string;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
beforeEach(async () => {
  await resetSandbox(sandbox);
  const first = ((await get(sandbox, `${REPO}/pullrequests?sort=id&pagelen=1`)).body.values as Array<{ id: number }>)[0];
  pr = `${REPO}/pullrequests/${first.id}`;
});
afterAll(() => sandbox.close());

const commentCount = async () => (await get(sandbox, pr)).body.comment_count as number;

describe('pull request comments', () => {
  it('POST adds a comment (201) that GET one and the list show, and comment_count follows; PUT edits; DELETE marks it deleted', async () => {
    const before = await commentCount();
    const created = await call(sandbox, 'POST', `${pr}/comments`, { content: { raw: 'Looks good 👍 <b>"x"</b>' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'pullrequest_comment', content: { raw: 'Looks good 👍 <b>"x"</b>', html: '<p>Looks good 👍 &lt;b&gt;&quot;x&quot;&lt;/b&gt;</p>' }, deleted: false, user: { nickname: 'demo' } });
    const id = created.body.id as number;
    expect(created.headers.get('location')).toBe(`${sandbox.apiUrl}${pr}/comments/${id}`);
    expect((await get(sandbox, `${pr}/comments/${id}`)).body).toEqual(created.body);
    expect(await commentCount()).toBe(before + 1);
    const list = (await get(sandbox, `${pr}/comments?q=id=${id}`)).body.values as unknown[];
    expect(list).toEqual([created.body]);

    const edited = await call(sandbox, 'PUT', `${pr}/comments/${id}`, { content: { raw: 'Edited' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ content: { raw: 'Edited' }, created_on: created.body.created_on });
    expect(String(edited.body.updated_on) > String(created.body.updated_on)).toBe(true);

    expect((await call(sandbox, 'DELETE', `${pr}/comments/${id}`)).status).toBe(204);
    expect(await commentCount()).toBe(before);
    expect((await get(sandbox, `${pr}/comments/${id}`)).body).toMatchObject({ deleted: true, content: { raw: '' } });
    expect((await call(sandbox, 'DELETE', `${pr}/comments/${id}`)).status).toBe(404);
    expect((await call(sandbox, 'PUT', `${pr}/comments/${id}`, { content: { raw: 'again' } })).status).toBe(404);
  });

  it('a reply names its parent and inherits its inline anchor; an inline comment keeps path and line', async () => {
    const inline = await call(sandbox, 'POST', `${pr}/comments`, { content: { raw: 'Here' }, inline: { path: 'docs/日本語.md', to: 12 } });
    expect(inline.body.inline).toEqual({ path: 'docs/日本語.md', to: 12 });
    const reply = await call(sandbox, 'POST', `${pr}/comments`, { content: { raw: 'Agreed' }, parent: { id: inline.body.id } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ parent: { id: inline.body.id }, inline: { path: 'docs/日本語.md', to: 12 } });
  });

  it.each([
    ['no content', {}, ['content.raw']],
    ['empty content', { content: { raw: ' ' } }, ['content.raw']],
    ['a parent on another pull request', { content: { raw: 'x' }, parent: { id: 1 } }, ['parent.id']],
    ['an inline anchor without a path and a bad line', { content: { raw: 'x' }, inline: { to: 0 } }, ['inline.path', 'inline.to']],
  ])('POST with %s → 400', async (_case, body, fields) => {
    const answer = await call(sandbox, 'POST', `${pr}/comments`, body);
    expect(answer.status).toBe(400);
    expect(Object.keys(errorOf(answer).fields ?? {})).toEqual(fields);
  });

  it('only the author edits a comment (403 for others), the workspace admin may delete it', async () => {
    const others = (await get(sandbox, `${pr}/comments?q=deleted=false`)).body.values as Array<{ id: number; user: { nickname: string } }>;
    const foreign = others.find((c) => c.user.nickname !== 'demo');
    if (!foreign) throw new Error('the first pull request has no comment by someone else');
    const edit = await call(sandbox, 'PUT', `${pr}/comments/${foreign.id}`, { content: { raw: 'hijack' } });
    expect(edit.status).toBe(403);
    expect((await call(sandbox, 'DELETE', `${pr}/comments/${foreign.id}`)).status).toBe(204);
  });
});
