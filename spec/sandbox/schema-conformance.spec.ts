import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { RunningSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';
import { AS_DEMO, getJson, startTestSandbox } from './sandbox-fixture';
import { definitionsToJsonSchema } from './swagger-definitions-to-json-schema';

// The official description, copied into the repository (spec/fixtures/reference/README.md names its source).
const SPEC_PATH = path.resolve(__dirname, '../fixtures/reference/bitbucket-cloud-openapi.json');
interface SwaggerSpec {
  definitions: Record<string, never>;
  paths: Record<string, { get?: { responses: Record<string, { schema?: { $ref: string } }> } }>;
}
const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as SwaggerSpec;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'bitbucket', ...definitionsToJsonSchema(spec.definitions) });

/** The validator for the 200 answer the description declares for a GET path. */
function validatorFor(specPath: string): ValidateFunction {
  const ref = spec.paths[specPath]?.get?.responses['200']?.schema?.$ref;
  if (!ref) throw new Error(`The description declares no 200 schema for GET ${specPath}`);
  return ajv.getSchema(`bitbucket${ref}`)!;
}

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

/**
 * Every resource type the sandbox serves, as [path in the official description, concrete URLs to fetch].
 * Lists are fetched with their largest page and, for pull requests, with the hidden fields added, in several
 * repositories of both workspaces so every variant (open/merged PRs, lightweight/annotated tags, pipeline states)
 * is covered. PR activity is not in the table: the description declares no schema for it.
 */
function samples(): Array<[specPath: string, urls: string[]]> {
  const R = '/repositories/{workspace}/{repo_slug}';
  const repos = sandbox.store.repositories.filter((_r, i) => i % 4 === 0 || i === 1);
  const repoUrls = repos.map((data) => `${sandbox.apiUrl}/repositories/${sandbox.store.workspace(data.repository.workspaceUuid).slug}/${data.repository.slug}`);
  const each = (suffix: (data: (typeof repos)[number]) => string | undefined) =>
    repos.flatMap((data, i) => { const s = suffix(data); return s === undefined ? [] : [`${repoUrls[i]}${s}`]; });
  const allStates = 'state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED';
  const withComments = (data: (typeof repos)[number]) => data.pullRequestComments[0]?.pullRequestId;
  return [
    ['/user', [`${sandbox.apiUrl}/user`]],
    ['/user/workspaces', [`${sandbox.apiUrl}/user/workspaces`]],
    ['/workspaces/{workspace}', [`${sandbox.apiUrl}/workspaces/acme-dev`, `${sandbox.apiUrl}/workspaces/blue-harbor`]],
    ['/workspaces/{workspace}/members', [`${sandbox.apiUrl}/workspaces/acme-dev/members?pagelen=100`, `${sandbox.apiUrl}/workspaces/acme-dev/members?fields=%2Bvalues.user.email`]],
    ['/workspaces/{workspace}/members/{member}', [`${sandbox.apiUrl}/workspaces/acme-dev/members/${encodeURIComponent(DEMO_USER.uuid)}`]],
    ['/workspaces/{workspace}/projects', [`${sandbox.apiUrl}/workspaces/acme-dev/projects`, `${sandbox.apiUrl}/workspaces/blue-harbor/projects`]],
    ['/workspaces/{workspace}/projects/{project_key}', [`${sandbox.apiUrl}/workspaces/acme-dev/projects/CORE`]],
    ['/repositories/{workspace}', [`${sandbox.apiUrl}/repositories/acme-dev?pagelen=100`, `${sandbox.apiUrl}/repositories/blue-harbor?pagelen=100`]],
    [R, repoUrls],
    [`${R}/refs`, each(() => '/refs?pagelen=100')],
    [`${R}/refs/branches`, each(() => '/refs/branches?pagelen=100')],
    [`${R}/refs/branches/{name}`, each((d) => `/refs/branches/${d.branches[d.branches.length - 1].name}`)],
    [`${R}/refs/tags`, each(() => '/refs/tags?pagelen=100')],
    [`${R}/refs/tags/{name}`, each((d) => (d.tags[0] ? `/refs/tags/${d.tags[0].name}` : undefined))],
    [`${R}/commits`, each(() => '/commits?pagelen=100')],
    [`${R}/commits/{revision}`, each((d) => `/commits/${d.repository.mainBranch}?pagelen=20`)],
    [`${R}/commit/{commit}`, each((d) => `/commit/${d.commits.find((c) => c.parents.length === 2)?.hash ?? d.commits[0].hash}`)],
    [`${R}/commit/{commit}/statuses`, each((d) => (d.commitStatuses[0] ? `/commit/${d.commitStatuses[0].commitHash}/statuses` : undefined))],
    [`${R}/pullrequests`, each(() => `/pullrequests?pagelen=50&${allStates}`).concat(each(() => `/pullrequests?pagelen=50&${allStates}&fields=%2Bvalues.reviewers,%2Bvalues.participants`))],
    [`${R}/pullrequests/{pull_request_id}`, each((d) => `/pullrequests/${d.pullRequests.find((p) => p.state === 'MERGED')?.id ?? 1}`).concat(each((d) => `/pullrequests/${d.pullRequests.find((p) => p.state === 'OPEN')?.id ?? 1}`))],
    [`${R}/pullrequests/{pull_request_id}/comments`, each((d) => (withComments(d) ? `/pullrequests/${withComments(d)}/comments?pagelen=100` : undefined))],
    [`${R}/pullrequests/{pull_request_id}/statuses`, each(() => '/pullrequests/1/statuses')],
    ['/workspaces/{workspace}/pullrequests/{selected_user}', [`${sandbox.apiUrl}/workspaces/acme-dev/pullrequests/${encodeURIComponent(DEMO_USER.uuid)}?pagelen=50&${allStates}&fields=%2Bvalues.reviewers,%2Bvalues.participants`]],
    [`${R}/pipelines`, each(() => '/pipelines?pagelen=100')],
    [`${R}/pipelines/{pipeline_uuid}`, each((d) => (d.pipelines[0] ? `/pipelines/${encodeURIComponent(d.pipelines[d.pipelines.length - 1].uuid)}` : undefined))],
    [`${R}/pipelines/{pipeline_uuid}/steps`, each((d) => (d.pipelines[0] ? `/pipelines/${encodeURIComponent(d.pipelines[0].uuid)}/steps` : undefined))],
    [`${R}/environments`, each(() => '/environments')],
    [`${R}/deployments`, each(() => '/deployments?pagelen=100')],
    [`${R}/branch-restrictions`, each(() => '/branch-restrictions')],
    [`${R}/default-reviewers`, each(() => '/default-reviewers')],
    [`${R}/hooks`, each(() => '/hooks')],
  ];
}

describe('bodies conform to the official Bitbucket definitions', () => {
  it('covers a sample of every resource type', async () => {
    const failures: string[] = [];
    let validated = 0;
    for (const [specPath, urls] of samples()) {
      expect(urls.length).toBeGreaterThan(0);
      const validate = validatorFor(specPath);
      for (const url of urls) {
        const { status, body } = await getJson(url, AS_DEMO);
        if (status !== 200) failures.push(`${url}: status ${status}`);
        else if (!validate(body)) failures.push(`${url} (${specPath}): ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`);
        validated++;
      }
    }
    expect(failures).toEqual([]);
    expect(validated).toBeGreaterThan(100);
  });

  it('the conversion still rejects bodies that break the definitions', () => {
    const pullRequest = validatorFor('/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}');
    expect(pullRequest({ type: 'pullrequest', state: 'CLOSED' })).toBe(false);
    expect(pullRequest({ type: 'pullrequest', links: { self: { href: 'http://x/y', extra: 1 } } })).toBe(false);
    // Dispatch: an author typed "user" is checked as a user (links.self must be a link object).
    expect(pullRequest({ type: 'pullrequest', author: { type: 'user', links: { self: 'not-a-link' } } })).toBe(false);
    expect(pullRequest({ type: 'pullrequest', merge_commit: null, closed_by: null })).toBe(true);
    expect(pullRequest({ type: 'pullrequest', title: null })).toBe(false);
  });
});
