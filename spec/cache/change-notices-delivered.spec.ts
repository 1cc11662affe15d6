/**
 * Change notices as the sandbox's Bitbucket delivers them (issue #14): a workspace webhook with a secret, made through
 * the Bitbucket API, whose deliveries the sandbox's relay sends to the gateway on a real socket. A change made
 * straight in Bitbucket (not through the gateway) reaches the gateway as a signed `repo:push`, and the next read of
 * that repository calls again and shows it; another repository of the workspace stays served without a call.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { noticeTrustOf } from '../../src/app';
import { changeNoticeMetrics } from '../../src/http/change-notice-receiver';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

const SECRET = 'spec-webhook-secret-delivered-42';
const WS = 'acme-dev';
const REPO = 'platform-api';
const branchesOf = (slug: string) => `/odata/Branches?$filter=Workspace eq '${WS}' and RepositorySlug eq '${slug}'&$select=Name,TargetHash&$orderby=Name`;
const BRANCHES = branchesOf(REPO);
/** The URL the workspace webhook is made with: the relay passes on only deliveries for it (others are other hooks'). */
const HOOK_URL = 'https://odata.example.com/webhooks/bitbucket';

let stack: Stack;
let gateway: Server;
let clock = Date.parse('2026-09-01T10:00:00Z');

beforeAll(async () => {
  // The gateway listens before the sandbox starts (the relay's URL is a start option); it serves the app once built.
  // The relay receives every hook's deliveries (the seed has hooks of its own): as the internet would, it hands the
  // gateway only those addressed to its URL.
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  gateway = createServer((req, res) => (req.headers['x-sandbox-webhook-url'] === HOOK_URL ? handler(req, res) : res.writeHead(204).end()));
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const relay = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/webhooks/bitbucket`;
  stack = await startStack({
    sandbox: { webhookRelayUrl: relay, webhookRetryDelayMs: 5 },
    env: { UPSTREAM_CACHE_SECONDS: '10', WEBHOOK_SECRET: SECRET, WEBHOOK_WORKSPACES: WS },
    now: () => clock,
  });
  handler = stack.app;
  const hook = await api('POST', `/workspaces/${WS}/hooks`, {
    description: 'bitbucket-odata change notices',
    url: HOOK_URL,
    active: true,
    secret: SECRET,
    events: ['repo:push', 'repo:updated', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:fulfilled', 'pullrequest:comment_created', 'repo:commit_status_created'],
  });
  expect(hook.status).toBe(201);
});
afterAll(async () => {
  noticeTrustOf(stack.app)?.stop();
  await stack.close();
  await new Promise((resolve) => gateway.close(resolve));
});

async function api(method: string, target: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.apiUrl}${target}`, {
    method,
    headers: { Authorization: DEMO_BEARER, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function read(url: string) {
  const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
  expect(response.status).toBe(200);
  return response;
}

const callsOf = (response: { headers: Record<string, string> }) => Number(response.headers['x-upstream-requests']);

/**
 * Past UPSTREAM_CACHE_SECONDS, with the credential confirmed by Bitbucket as a refresh confirms it among its sets (a
 * read of what no event announces: one call): trusted answers past the window need a recent acceptance.
 */
async function pastTheWindow(): Promise<void> {
  clock += 11_000;
  expect(callsOf(await read(`/odata/Repositories?$filter=Workspace eq '${WS}'&$select=Slug&$top=1`))).toBeGreaterThan(0);
}

/** Waits (up to 5 s) until the gateway has applied `count` more notices than `before`. */
async function applied(before: number, count = 1): Promise<void> {
  const until = Date.now() + 5_000;
  while (changeNoticeMetrics.applied < before + count) {
    if (Date.now() > until) throw new Error(`no change notice applied within 5 s (applied ${changeNoticeMetrics.applied - before} of ${count})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a branch made straight in Bitbucket is delivered, signed, and shows at the next read; another repository stays served', async () => {
  const other = ((await read(`/odata/Repositories?$filter=Workspace eq '${WS}'&$select=Slug&$orderby=Slug`)).body.value as Array<{ Slug: string }>)
    .map((row) => row.Slug)
    .find((slug) => slug !== REPO)!;
  const before = await read(BRANCHES);
  await read(branchesOf(other));
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES))).toBe(0);
  const appliedBefore = changeNoticeMetrics.applied;
  const rejectedBefore = changeNoticeMetrics.rejected;
  const name = `delivered/${Date.now()}`;
  const hash = (before.body.value as Array<{ TargetHash: string }>)[0].TargetHash;
  expect((await api('POST', `/repositories/${WS}/${REPO}/refs/branches`, { name, target: { hash } })).status).toBe(201);
  await applied(appliedBefore);
  expect(changeNoticeMetrics.rejected).toBe(rejectedBefore);
  const after = await read(BRANCHES);
  expect(callsOf(after)).toBeGreaterThan(0);
  expect((after.body.value as Array<{ Name: string }>).map((row) => row.Name)).toContain(name);
  expect(callsOf(await read(branchesOf(other)))).toBe(0);
  expect(stack.logLines.join('\n')).not.toContain(SECRET);
});

test('a pull request comment made straight in Bitbucket is delivered (pullrequest:comment_created) and shows at the next read of the comments', async () => {
  const pr = ((await api('GET', `/repositories/${WS}/${REPO}/pullrequests?state=OPEN&pagelen=1&fields=values.id`)).body.values as Array<{ id: number }>)[0].id;
  const comments = `/odata/PullRequestComments?$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}' and PullRequestId eq ${pr}&$select=Id,Content`;
  clock += 11_000; // the notice of the test before has settled: an answer read just after one keeps the ordinary window
  await read(comments);
  await pastTheWindow();
  expect(callsOf(await read(comments))).toBe(0);
  const appliedBefore = changeNoticeMetrics.applied;
  const text = `Written straight in Bitbucket ${Date.now()}`;
  expect((await api('POST', `/repositories/${WS}/${REPO}/pullrequests/${pr}/comments`, { content: { raw: text } })).status).toBe(201);
  await applied(appliedBefore);
  const after = await read(comments);
  expect(callsOf(after)).toBeGreaterThan(0);
  expect((after.body.value as Array<{ Content: string }>).map((row) => row.Content)).toContain(text);
});
