import { bitbucketPath } from '../../src/bitbucket/bitbucket-path';

describe('bitbucketPath', () => {
  it.each<[string, Record<string, string | number>, string]>([
    ['/repositories/{workspace}/{repo_slug}', { workspace: 'acme', repo_slug: 'web-app' }, '/repositories/acme/web-app'],
    ['/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}', { workspace: 'acme', repo_slug: 'r', pull_request_id: 42 }, '/repositories/acme/r/pullrequests/42'],
    ['/users/{selected_user}', { selected_user: '{1f0c2e5a-0000-4000-8000-000000000001}' }, '/users/%7B1f0c2e5a-0000-4000-8000-000000000001%7D'],
    ['/repositories/{workspace}/{repo_slug}', { workspace: 'a b', repo_slug: 'x/y' }, '/repositories/a%20b/x%2Fy'],
    ['/repositories/{workspace}/{repo_slug}/refs/branches/{name}', { workspace: 'w', repo_slug: 'r', name: 'feature/Zoë+1?#' }, '/repositories/w/r/refs/branches/feature%2FZo%C3%AB%2B1%3F%23'],
    ['/workspaces/{workspace}', { workspace: 'acme', unused: 'ignored' }, '/workspaces/acme'],
  ])('%s with %j → %s', (template, params, expected) => {
    expect(bitbucketPath(template, params)).toBe(expected);
  });

  it.each<[string, Record<string, string | number>, RegExp]>([
    ['/repositories/{workspace}/{repo_slug}', { workspace: 'acme' }, /needs a value for \{repo_slug\}/],
    ['/repositories/{workspace}', { workspace: '' }, /cannot be empty, "\." or "\.\."/],
    ['/repositories/{workspace}', { workspace: '..' }, /cannot be empty/],
    ['/repositories/{workspace}', { workspace: '.' }, /cannot be empty/],
    ['/repositories/{workspace}/pullrequests/{id}', { workspace: 'w', id: Number.NaN }, /finite number/],
    ['/repositories/{repo-slug}', { 'repo-slug': 'r' }, /stray brace/],
    ['/repositories/{workspace}?q=1', { workspace: 'w' }, /stray brace, "\?" or "#"/],
    ['repositories/{workspace}', { workspace: 'w' }, /must start with "\/"/],
    ['/repositories/{workspace}', { workspace: 'lone \ud800 surrogate' }, /lone UTF-16 surrogate/],
  ])('%s with %j throws', (template, params, message) => {
    expect(() => bitbucketPath(template, params)).toThrow(message);
  });

  it('a template filled again (checked and split once) gives the same paths, and the same errors', () => {
    for (let round = 0; round < 2; round++) {
      expect(bitbucketPath('/repositories/{workspace}/{repo_slug}', { workspace: 'acme', repo_slug: `r${round}` })).toBe(`/repositories/acme/r${round}`);
      expect(bitbucketPath('/x/{a}{b}', { a: 'p', b: 'q q' })).toBe('/x/pq%20q');
      expect(() => bitbucketPath('/repositories/{workspace}/{repo_slug}', { workspace: 'acme' })).toThrow(/needs a value for \{repo_slug\}/);
      expect(() => bitbucketPath('/repositories/{repo-slug}', { 'repo-slug': 'r' })).toThrow(/stray brace/);
    }
  });
});
