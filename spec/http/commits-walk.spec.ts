/**
 * A commits walk in Bitbucket's order (no `$orderby`) continues after the last row it served, by that row's hash, not
 * by its position alone: a commit pushed between two pages moves every commit one place down the newest-first list,
 * and a position would repeat the previous page's last row. Snapshots are off, so every page goes through the keyset
 * cursor; commits are pushed by merging an open pull request on the sandbox directly (a merge commit at the head).
 */
import axios from 'axios';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { PAGING_SNAPSHOT_MAX_ROWS: '0' } });
});
afterAll(() => stack.close());

const ONE_REPO = "Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'";
const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

async function page(url: string, size: number): Promise<{ hashes: string[]; next?: string }> {
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER).set('Prefer', `odata.maxpagesize=${size}`);
  expect(response.status).toBe(200);
  return { hashes: response.body.value.map((row: { Hash: string }) => row.Hash), next: response.body['@odata.nextLink'] };
}

/** Push a commit to acme-dev/platform-api: merge one of its open pull requests (Bitbucket records a merge commit). */
async function pushCommit(): Promise<void> {
  const open = await stack.request.get(`/odata/PullRequests?$filter=${ONE_REPO} and State eq 'OPEN'&$top=1&$select=Id`).set('Authorization', DEMO_BEARER);
  const id: number = open.body.value[0].Id;
  const merged = await axios.post(`${stack.apiUrl}/repositories/acme-dev/platform-api/pullrequests/${id}/merge`, { merge_strategy: 'merge_commit' }, { headers: { Authorization: DEMO_BEARER }, validateStatus: () => true });
  expect(merged.status).toBe(200);
}

beforeEach(() => stack.resetSandbox());

test.each([
  { name: 'a cursor on the first upstream page (read again from the start)', top: 60, size: 20 },
  { name: 'a cursor on a later upstream page (opened at that page)', top: 400, size: 150 },
])('a commit pushed between pages: no row twice, none missing ($name)', async ({ top, size }) => {
  const url = `/odata/Commits?$filter=${ONE_REPO}&$top=${top}&$select=Hash`;
  const before = await page(url, top);
  const first = await page(url, size);
  expect(first.hashes).toEqual(before.hashes.slice(0, size));
  await pushCommit();
  const second = await page(local(first.next as string), size);
  expect(second.hashes).toEqual(before.hashes.slice(size, 2 * size));
});
