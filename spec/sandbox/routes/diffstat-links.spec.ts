/**
 * A diffstat entry's files link to their content at their commit, as in the example Bitbucket's own description gives
 * for `GET /repositories/{workspace}/{repo_slug}/diffstat/{spec}` (where a pull request's diffstat redirects):
 * `old`/`new` are `commit_file`s with `links.self.href` = `…/2.0/repositories/bitbucket/geordi/src/{hash}/setup.py`.
 * The gateway reads the repository's spelling from that link (`PullRequestDiffstat`'s `spelledIn`), so the sandbox
 * must write it the same way, in the repository's own spelling whatever spelling the request used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunningSandbox } from '../../../sandbox/app';
import { getJson, startTestSandbox } from '../sandbox-fixture';

const SPEC_PATH = path.resolve(__dirname, '../../fixtures/reference/bitbucket-cloud-openapi.json');

interface CommitFile {
  path: string;
  links?: { self?: { href?: string } };
}
interface DiffstatItem {
  status: string;
  old: CommitFile | null;
  new: CommitFile | null;
}

/** `…/repositories/{ws}/{slug}/src/{hash}/{path}` → its parts (the base before `/repositories/` left out). */
function parts(href: string): { workspace: string; slug: string; hash: string; file: string } | undefined {
  const match = /^https?:\/\/[^/]+\/2\.0\/repositories\/([^/]+)\/([^/]+)\/src\/([0-9a-f]{40})\/(.+)$/.exec(href);
  return match ? { workspace: match[1], slug: match[2], hash: match[3], file: decodeURI(match[4]) } : undefined;
}

test("the official example: each side's links.self is …/repositories/{workspace}/{repo_slug}/src/{hash}/{path}", () => {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as {
    paths: Record<string, { get: { responses: { '200': { examples: { 'application/json': { values: DiffstatItem[] } } } } } }>;
  };
  const [example] = spec.paths['/repositories/{workspace}/{repo_slug}/diffstat/{spec}'].get.responses['200'].examples['application/json'].values;
  for (const side of [example.old, example.new]) {
    expect(parts(side?.links?.self?.href ?? '')).toMatchObject({ workspace: 'bitbucket', slug: 'geordi', file: side?.path });
  }
});

describe('the sandbox', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  test('writes the same links, in the repository spelling, also under another spelling of the slug', async () => {
    const data = sandbox.store.repositories[0];
    const slug = data.repository.slug;
    const pr = data.pullRequests[0];
    for (const asked of [slug, slug.toUpperCase()]) {
      const { status, body } = await getJson(`${sandbox.apiUrl}/repositories/acme-dev/${asked}/pullrequests/${pr.id}/diffstat`);
      expect(status).toBe(200);
      const values = body.values as DiffstatItem[];
      expect(values.length).toBeGreaterThan(0);
      for (const item of values) {
        // An added file has no old side, a removed one no new side (null, as the description's schema allows).
        const sides: Array<[CommitFile | null, string]> = [
          [item.old, pr.destinationHash],
          [item.new, pr.sourceHash],
        ];
        for (const [side, hash] of sides) {
          if (side === null) continue;
          expect(parts(side.links?.self?.href ?? '')).toEqual({ workspace: 'acme-dev', slug, hash, file: side.path });
        }
      }
    }
  });
});
