/**
 * `$skiptoken`s are signed and bound to the entity set, the query and the credential: another user's nextLink, a
 * tampered one, or one moved to another set is refused with InvalidSkipToken; none carries a credential.
 */
import { DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import { leakedCredentials } from '../helpers/known-credentials';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let nextLink: string;
const PAGE = 'odata.maxpagesize=2';
const basicDemo = `Basic ${Buffer.from(`${DEMO_USER.email}:${DEMO_USER.apiToken}`).toString('base64')}`;

beforeAll(async () => {
  stack = await startStack();
  // Both users see blue-harbor, so a refusal cannot be Bitbucket's.
  const first = await stack.request.get("/odata/Repositories?$filter=Workspace eq 'blue-harbor'&$select=Slug").set('Authorization', DEMO_BEARER).set('Prefer', PAGE);
  nextLink = first.body['@odata.nextLink'];
  expect(nextLink).toContain('$skiptoken=');
});
afterAll(() => stack.close());

const path = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');
const skiptokenOf = (link: string) => new URL(link).searchParams.get('$skiptoken') ?? '';
const flipFirst = (text: string) => (text[0] === 'e' ? 'f' : 'e') + text.slice(1);

test('the nextLink holds no credential and works for the credential it was issued to', async () => {
  expect(leakedCredentials(nextLink)).toEqual([]);
  const response = await stack.request.get(path(nextLink)).set('Authorization', DEMO_BEARER).set('Prefer', PAGE);
  expect(response.status).toBe(200);
});

test.each([
  { who: "another user's token", authorization: `Bearer ${OTHER_USER.bearerToken}` },
  { who: 'the same user with another credential', authorization: basicDemo },
])('replayed with $who: InvalidSkipToken', async ({ authorization }) => {
  const response = await stack.request.get(path(nextLink)).set('Authorization', authorization).set('Prefer', PAGE);
  expect(response.status).toBe(400);
  expect(response.body.error.code).toBe('InvalidSkipToken');
  expect(response.body.error.message).toContain('another query or another credential');
});

test.each([
  { change: 'a tampered payload', link: () => nextLink.replace(`$skiptoken=${skiptokenOf(nextLink)}`, `$skiptoken=${flipFirst(skiptokenOf(nextLink))}`) },
  { change: 'a signature cut short', link: () => nextLink.replace(`$skiptoken=${skiptokenOf(nextLink)}`, `$skiptoken=${skiptokenOf(nextLink).slice(0, -3)}`) },
  { change: 'another entity set', link: () => `/odata/Projects?$skiptoken=${skiptokenOf(nextLink)}` },
  { change: 'another query', link: () => `/odata/Repositories?$filter=Workspace eq 'acme-dev'&$select=Slug&$skiptoken=${skiptokenOf(nextLink)}` },
])('$change: InvalidSkipToken', async ({ link }) => {
  const response = await stack.request.get(path(link())).set('Authorization', DEMO_BEARER).set('Prefer', PAGE);
  expect(response.status).toBe(400);
  expect(response.body.error.code).toBe('InvalidSkipToken');
});
