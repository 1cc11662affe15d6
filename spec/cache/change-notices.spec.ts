/**
 * Bitbucket webhooks as change notices (issue #14), against the sandbox over a real socket and the app through
 * supertest: a covered answer of a declared workspace is served past UPSTREAM_CACHE_SECONDS without a call until a
 * signed notice says its repository changed; what no event announces keeps the ordinary window; a delivery not signed
 * with WEBHOOK_SECRET changes nothing; a gap in receiving revokes the trust; entries stay per principal.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTHER_USER, REPOSITORY_ACCESS_TOKEN } from '../../sandbox/identities';
import { noticeTrustOf, storeOf } from '../../src/app';
import { listMemoMetrics } from '../../src/bitbucket';
import { repositoryGenerationKey } from '../../src/bitbucket/generation-keys';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { postDelivery, signatureOf } from './signed-delivery';

const SECRET = 'spec-webhook-secret-0123456789';
const WS = 'acme-dev';
const REPO = 'platform-api';
const OTHER_BASIC = `Basic ${Buffer.from(`${OTHER_USER.email}:${OTHER_USER.apiToken}`).toString('base64')}`;
const branchesOf = (workspace: string, slug: string) =>
  `/odata/Branches?$filter=Workspace eq '${workspace}' and RepositorySlug eq '${slug}'&$select=Name,TargetHash&$orderby=Name`;
const BRANCHES = branchesOf(WS, REPO);
const BRANCHES_WITH_STRATEGY = `/odata/Branches?$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}'&$select=Name,DefaultMergeStrategy`;
const PULL_REQUESTS = (select: string) => `/odata/PullRequests?$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}'&$select=${select}`;
const PIPELINES = `/odata/Pipelines?$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}'&$select=Uuid`;

let stack: Stack;
let clock = Date.parse('2026-09-01T10:00:00Z');
/** Another repository of acme-dev, and one of blue-harbor (not declared in WEBHOOK_WORKSPACES). */
let otherRepo: string;
let undeclaredRepo: string;
/** A private repository of acme-dev: Olga (blue-harbor only) may not read it. */
let privateRepo: string;

beforeAll(async () => {
  stack = await startStack({
    env: { UPSTREAM_CACHE_SECONDS: '10', WEBHOOK_SECRET: SECRET, WEBHOOK_WORKSPACES: WS, WEBHOOK_TRUST_SECONDS: '3600' },
    now: () => clock,
  });
  const repos = async (workspace: string) =>
    ((await read(`/odata/Repositories?$filter=Workspace eq '${workspace}'&$select=Slug&$orderby=Slug`)).body.value as Array<{ Slug: string }>).map((row) => row.Slug);
  otherRepo = (await repos(WS)).find((slug) => slug !== REPO)!;
  undeclaredRepo = (await repos('blue-harbor'))[0];
  privateRepo = ((await read(`/odata/Repositories?$filter=Workspace eq '${WS}' and IsPrivate eq true&$select=Slug&$top=1`)).body.value as Array<{ Slug: string }>)[0].Slug;
});
afterAll(async () => {
  noticeTrustOf(stack.app)?.stop();
  await stack.close();
});
beforeEach(async () => {
  // Every test starts past every trust of the previous one (its own clock day), with the sandbox's log empty.
  clock += 24 * 3600 * 1000;
  await stack.clearUpstreamCalls();
});

async function read(url: string, authorization = DEMO_BEARER) {
  const response = await stack.request.get(url).set('Authorization', authorization);
  expect(response.status).toBe(200);
  return response;
}

const callsOf = (response: { headers: Record<string, string> }) => Number(response.headers['x-upstream-requests']);

/**
 * Moves the clock by `ms` (past the 10 s window), then reads what no event announces (a workspace's repository list,
 * on the ordinary window: one call), as a refresh does among its sets. Bitbucket's answer notes the credential
 * accepted, which trusted answers past the window need (a credential revoked in Bitbucket must not read them).
 */
async function pastTheWindow(ms = 11_000): Promise<void> {
  clock += ms;
  expect(callsOf(await read(`/odata/Repositories?$filter=Workspace eq '${WS}'&$select=Slug&$top=1`))).toBeGreaterThan(0);
  await stack.clearUpstreamCalls();
}

const signature = (body: string, secret = SECRET) => signatureOf(body, secret);

function deliver(eventKey: string, payload: unknown, sign?: (body: string) => string | undefined) {
  return postDelivery(stack.request, eventKey, payload, { secret: SECRET, ...(sign ? { sign } : {}) });
}

const pushTo = (fullName: string) => ({ repository: { full_name: fullName, uuid: `{${randomUUID()}}` }, actor: { display_name: 'Spec' }, push: { changes: [] } });

/** A branch made straight in the sandbox's Bitbucket API, as a person would (never through the gateway). */
async function branchMadeElsewhere(name: string): Promise<void> {
  const hash = ((await read(BRANCHES)).body.value as Array<{ TargetHash: string }>)[0].TargetHash;
  const response = await fetch(`${stack.apiUrl}/repositories/${WS}/${REPO}/refs/branches`, {
    method: 'POST',
    headers: { Authorization: DEMO_BEARER, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, target: { hash } }),
  });
  expect(response.status).toBe(201);
}

test('a covered answer of a declared workspace is served past UPSTREAM_CACHE_SECONDS without a call; others are read again', async () => {
  expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0);
  expect(callsOf(await read(branchesOf(WS, otherRepo)))).toBeGreaterThan(0);
  expect(callsOf(await read(PIPELINES))).toBeGreaterThan(0);
  expect(callsOf(await read(branchesOf('blue-harbor', undeclaredRepo)))).toBeGreaterThan(0);
  clock += 11_000; // past the 10 s window
  await stack.clearUpstreamCalls();
  // The first read past the window asks Bitbucket whether the credential still holds: its answers are 304s (the
  // branch list's ETag), which note the credential accepted; the next covered reads are served without a call.
  const first = await read(BRANCHES);
  expect(callsOf(first)).toBeGreaterThan(0);
  expect((await stack.upstreamCalls()).map((call) => call.status)).toEqual(Array(callsOf(first)).fill(304));
  expect(callsOf(await read(branchesOf(WS, otherRepo)))).toBe(0);
  expect(callsOf(await read(BRANCHES))).toBe(0);
  // Pipelines: no event announces them. blue-harbor: its webhook is not declared. Both keep the ordinary window.
  expect(callsOf(await read(PIPELINES))).toBeGreaterThan(0);
  expect(callsOf(await read(branchesOf('blue-harbor', undeclaredRepo)))).toBeGreaterThan(0);
});

test('a signed notice for a repository makes its next read call again and show a change made elsewhere; another repository stays served', async () => {
  await read(BRANCHES);
  await read(branchesOf(WS, otherRepo));
  const name = `notice/${Date.now()}`;
  await branchMadeElsewhere(name);
  await pastTheWindow();
  // Trusted: the change made elsewhere does not show yet (this is what the trust buys, and what the notice fixes).
  const before = await read(BRANCHES);
  expect(callsOf(before)).toBe(0);
  expect((before.body.value as Array<{ Name: string }>).map((row) => row.Name)).not.toContain(name);
  const delivered = await deliver('repo:push', pushTo(`${WS}/${REPO}`));
  expect(delivered.status).toBe(204);
  const after = await read(BRANCHES);
  expect(callsOf(after)).toBeGreaterThan(0);
  expect((after.body.value as Array<{ Name: string }>).map((row) => row.Name)).toContain(name);
  expect(callsOf(await read(branchesOf(WS, otherRepo)))).toBe(0);
  // Full names are matched case-insensitively, as Bitbucket resolves them.
  expect((await deliver('pullrequest:updated', pushTo(`${WS.toUpperCase()}/${otherRepo.toUpperCase()}`))).status).toBe(204);
  expect(callsOf(await read(branchesOf(WS, otherRepo)))).toBeGreaterThan(0);
});

test('an answer read just after a notice keeps the ordinary window: Bitbucket may still be bringing what depends on the change up to date', async () => {
  await read(BRANCHES);
  await pastTheWindow();
  expect((await deliver('repo:push', pushTo(`${WS}/${REPO}`))).status).toBe(204);
  expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0); // read 0 s after the notice
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0); // so not trusted past the window
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES))).toBe(0); // read once the notice had settled: trusted
});

test('a notice that the repository itself changed (repo:updated) makes every repository of its workspace read again', async () => {
  await read(BRANCHES);
  await read(branchesOf(WS, otherRepo));
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES))).toBe(0);
  expect((await deliver('repo:updated', { repository: { full_name: `${WS}/${REPO}` }, actor: {}, changes: {} })).status).toBe(204);
  expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0);
  expect(callsOf(await read(branchesOf(WS, otherRepo)))).toBeGreaterThan(0);
});

test('a delivery with a wrong or missing signature is 401 with no detail and invalidates nothing; an unused event 202; a signed one it cannot read 400', async () => {
  await read(BRANCHES);
  await pastTheWindow();
  const wrong = await deliver('repo:push', pushTo(`${WS}/${REPO}`), (body) => signature(body, 'not-the-secret-at-all'));
  expect(wrong.status).toBe(401);
  expect(wrong.body.error.code).toBe('Unauthorized');
  expect(wrong.body.error.details).toEqual([]);
  const missing = await deliver('repo:push', pushTo(`${WS}/${REPO}`), () => undefined);
  expect(missing.status).toBe(401);
  expect(missing.body.error.message).toBe(wrong.body.error.message);
  const malformed = await deliver('repo:push', pushTo(`${WS}/${REPO}`), () => 'sha256=zz');
  expect(malformed.status).toBe(401);
  // Signed over other bytes than those sent.
  const other = await deliver('repo:push', JSON.stringify(pushTo(`${WS}/${REPO}`)), () => signature(JSON.stringify(pushTo(`${WS}/${otherRepo}`))));
  expect(other.status).toBe(401);
  expect(callsOf(await read(BRANCHES))).toBe(0);
  expect((await deliver('issue:created', { repository: { full_name: `${WS}/${REPO}` }, issue: {} })).status).toBe(202);
  expect(callsOf(await read(BRANCHES))).toBe(0);
  const unparsable = await deliver('repo:push', '{"repository": ');
  expect(unparsable.status).toBe(400);
  expect(unparsable.body.error.code).toBe('BadRequest');
  expect((await deliver('repo:push', { actor: {} })).status).toBe(400);
  const metrics = (await stack.request.get('/metrics')).text;
  expect(metrics).toMatch(/bitbucket_odata_change_notices_rejected_total [1-9]/);
  expect(metrics).toMatch(/bitbucket_odata_change_notices_by_event_total\{event="issue:created"\} 1/);
  // Neither the secret nor any signature sent reaches a log line.
  const log = stack.logLines.join('\n');
  expect(log).not.toContain(SECRET);
  expect(log).not.toContain('sha256=');
  expect(log).not.toMatch(/[0-9a-f]{64}/);
  expect(stack.logLines.some((line) => line.includes('"change notice rejected"'))).toBe(true);
});

test('a signed delivery it cannot read (no X-Event-Key, no repository, not JSON) is 400 and withdraws every trust: what it announced is unknown', async () => {
  const cases: Array<[string, unknown]> = [
    ['', pushTo(`${WS}/${REPO}`)], // a proxy that drops the header would make every notice an unused event
    ['pullrequest:updated', { actor: {}, pullrequest: { id: 1 } }],
    ['repo:push', '{"repository": '],
  ];
  for (const [eventKey, payload] of cases) {
    await read(BRANCHES);
    await read(branchesOf(WS, otherRepo));
    await pastTheWindow();
    expect(callsOf(await read(BRANCHES))).toBe(0);
    const refused = await deliver(eventKey, payload);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('BadRequest');
    expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0);
    expect(callsOf(await read(branchesOf(WS, otherRepo)))).toBeGreaterThan(0);
  }
});

test('each applied delivery has one info line with its event key, repository and request uuid', async () => {
  const before = stack.logLines.length;
  const uuid = randomUUID();
  const response = await postDelivery(stack.request, 'repo:push', pushTo(`${WS}/${REPO}`), { secret: SECRET, requestUuid: uuid });
  expect(response.status).toBe(204);
  const lines = stack.logLines.slice(before).filter((line) => line.includes('"change notice"'));
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', eventKey: 'repo:push', repository: `${WS}/${REPO}`, requestUuid: uuid });
});

test('a second user never gets the first user\'s trusted rows: entries stay per principal', async () => {
  const url = branchesOf(WS, privateRepo);
  const demo = await read(url);
  expect((demo.body.value as unknown[]).length).toBeGreaterThan(0);
  await pastTheWindow();
  expect(callsOf(await read(url))).toBe(0);
  await stack.clearUpstreamCalls();
  // Olga is no member of acme-dev: Bitbucket refuses her (the gateway answers her no rows), whatever the demo user's
  // trusted cache holds, and her answer was read with her own credential.
  const refused = await stack.request.get(url).set('Authorization', OTHER_BASIC);
  expect(refused.status).toBe(200);
  expect(refused.body.value).toEqual([]);
  expect(callsOf(refused)).toBeGreaterThan(0);
  expect((await stack.upstreamCalls()).length).toBe(callsOf(refused));
});

test('a gap in receiving (no replica refreshed the alive record) revokes every trust', async () => {
  await read(BRANCHES);
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES))).toBe(0);
  // Every replica down for 45 s (longer than the alive record's 30 s): deliveries in that time may be lost.
  await pastTheWindow(45_000);
  expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0);
  // Trust starts again from the answers read in the new epoch.
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES))).toBe(0);
});

test('trust ends after WEBHOOK_TRUST_SECONDS even without a notice', async () => {
  await read(BRANCHES);
  // An hour in steps of 20 s: a replica alive all along, and no notice.
  for (let elapsed = 0; elapsed < 3600; elapsed += 20) {
    clock += 20_000;
    await noticeTrustOf(stack.app)!.beat();
  }
  await pastTheWindow(1_000);
  expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0);
});

test('a mark the store lost (evicted, expired) never matches an old answer: it is made anew with a new value', async () => {
  await read(BRANCHES);
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES))).toBe(0);
  // A notice, then its mark lost: were an absent mark read as a default, the answer kept before any mark would match.
  expect((await deliver('repo:push', pushTo(`${WS}/${REPO}`))).status).toBe(204);
  await storeOf(stack.app).delete(repositoryGenerationKey(WS, REPO));
  expect(callsOf(await read(BRANCHES))).toBeGreaterThan(0);
  expect(callsOf(await read(BRANCHES))).toBe(0);
});

test('a credential revoked in Bitbucket does not read its trusted answers past the window: Bitbucket is asked, and refuses it', async () => {
  const bearer = `Bearer ${REPOSITORY_ACCESS_TOKEN.token}`;
  const answered = await read(BRANCHES, bearer);
  expect((answered.body.value as unknown[]).length).toBeGreaterThan(0);
  await pastTheWindow(); // the demo user's credential is confirmed; the token's is not
  expect(callsOf(await read(BRANCHES, bearer))).toBeGreaterThan(0); // confirmed by its own 304s
  expect(callsOf(await read(BRANCHES, bearer))).toBe(0);
  const revoked = await fetch(`${stack.sandboxUrl}/_sandbox/auth/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: REPOSITORY_ACCESS_TOKEN.token }) });
  expect(revoked.status).toBe(200);
  try {
    await pastTheWindow();
    const refused = await stack.request.get(BRANCHES).set('Authorization', bearer);
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).not.toContain('"Name"');
  } finally {
    await fetch(`${stack.sandboxUrl}/_sandbox/auth/reset`, { method: 'POST' });
  }
});

test('pull requests read with TaskCount keep the ordinary window (no event announces a task); without it they are trusted', async () => {
  await read(PULL_REQUESTS('Id,Title,TaskCount'));
  await read(PULL_REQUESTS('Id,Title,State'));
  await pastTheWindow();
  expect(callsOf(await read(PULL_REQUESTS('Id,Title,TaskCount')))).toBeGreaterThan(0);
  expect(callsOf(await read(PULL_REQUESTS('Id,Title,State')))).toBe(0);
});

test('branches read with their merge strategy keep the ordinary window (a repository setting no event announces)', async () => {
  await read(BRANCHES_WITH_STRATEGY);
  await read(BRANCHES);
  await pastTheWindow();
  expect(callsOf(await read(BRANCHES_WITH_STRATEGY))).toBeGreaterThan(0);
  expect(callsOf(await read(BRANCHES))).toBe(0);
});

test('a commit list the list memo keeps is trusted as an answer is: past the window only for a credential accepted within it, until a notice', async () => {
  const commits = `/odata/Commits?$filter=Workspace eq '${WS}' and RepositorySlug eq '${REPO}'`;
  expect(callsOf(await read(commits))).toBeGreaterThan(0);
  // Past the window with the credential not confirmed since: the memo checks the branch heads (one call, a 304).
  clock += 11_000;
  await stack.clearUpstreamCalls();
  expect(callsOf(await read(commits))).toBeGreaterThan(0);
  expect((await stack.upstreamCalls()).map((call) => call.path)).not.toContain(`/2.0/repositories/${WS}/${REPO}/commits`);
  await pastTheWindow();
  const served = listMemoMetrics.fresh;
  expect(callsOf(await read(commits))).toBe(0);
  expect(listMemoMetrics.fresh).toBe(served + 1);
  expect((await deliver('repo:push', pushTo(`${WS}/${REPO}`))).status).toBe(204);
  expect(callsOf(await read(commits))).toBeGreaterThan(0);
  expect(listMemoMetrics.fresh).toBe(served + 1);
});

test('a delivery body over 512 KiB (twice Bitbucket\'s 256 KB payload cap) is refused (413) before its signature is checked; one over the cap but within that is read', async () => {
  const body = JSON.stringify({ repository: { full_name: `${WS}/${REPO}` }, padding: 'x'.repeat(512 * 1024) });
  const response = await deliver('repo:push', body);
  expect(response.status).toBe(413);
  expect(response.body.error.code).toBe('BodyTooLarge');
  expect((await deliver('repo:push', { ...pushTo(`${WS}/${REPO}`), padding: 'x'.repeat(300 * 1024) })).status).toBe(204);
});

test('a delivery without a well-formed X-Hub-Signature is 401 before its body is read, and its connection closed', async () => {
  const server = createServer(stack.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    for (const signature of [undefined, 'sha256=zz', 'sha1=0123456789abcdef0123456789abcdef01234567']) {
      // The headers announce a body that never comes: only an answer given before reading it arrives.
      const answer = await new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
        const request = httpRequest({
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          method: 'POST',
          path: '/webhooks/bitbucket',
          headers: { 'Content-Type': 'application/json', 'Content-Length': '100000', 'X-Event-Key': 'repo:push', ...(signature ? { 'X-Hub-Signature': signature } : {}) },
        });
        const timer = setTimeout(() => {
          request.destroy();
          reject(new Error(`no answer within 2 s to a delivery signed ${String(signature)}: the receiver waits for the body`));
        }, 2_000);
        request.on('response', (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            clearTimeout(timer);
            resolve({ status: response.statusCode!, connection: response.headers.connection, body });
          });
        });
        request.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        request.flushHeaders();
      });
      expect(answer.status).toBe(401);
      expect(answer.connection).toBe('close');
      expect(JSON.parse(answer.body).error.code).toBe('Unauthorized');
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
