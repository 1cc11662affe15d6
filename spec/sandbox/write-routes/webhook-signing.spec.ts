import type { RunningSandbox } from '../../../sandbox/app';
import { startTestSandbox } from '../sandbox-fixture';
import { call, get, REPO, resetSandbox } from './write-fixture';
import { Relay, signatureValid } from './webhook-relay';

/**
 * Webhook secrets and workspace webhooks, through HTTP: a hook created with `secret` has every delivery signed
 * (`X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body bytes)>`, bitbucket.org/blog/enhanced-webhook-security), one
 * without has none; an event in a repository reaches the repository's and its workspace's subscribed active hooks.
 */
let sandbox: RunningSandbox;
const relay = new Relay();
let pr: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({ webhookRelayUrl: await relay.start(), webhookRetryDelayMs: 5 });
});
beforeEach(async () => {
  await resetSandbox(sandbox);
  relay.clear();
  const first = ((await get(sandbox, `${REPO}/pullrequests?sort=id&pagelen=1`)).body.values as Array<{ id: number }>)[0];
  pr = `${REPO}/pullrequests/${first.id}`;
});
afterAll(async () => {
  await sandbox.close();
  await relay.close();
});

async function hook(base: string, body: Record<string, unknown>): Promise<string> {
  const created = await call(sandbox, 'POST', base, { events: ['pullrequest:comment_created'], ...body });
  expect(created.status).toBe(201);
  expect(created.body).not.toHaveProperty('secret');
  return created.body.uuid as string;
}

/** A write that causes `pullrequest:comment_created` in acme-dev/platform-api; resolves once its deliveries ended. */
async function comment(): Promise<void> {
  expect((await call(sandbox, 'POST', `${pr}/comments`, { content: { raw: 'LGTM' } })).status).toBe(201);
  await sandbox.state.webhooks.idle();
}

describe('secrets', () => {
  it('a repository hook with a secret: X-Hub-Signature is sha256= and the HMAC of the exact body bytes; secret_set, never the secret', async () => {
    const uuid = await hook(`${REPO}/hooks`, { url: 'https://example.com/signed', secret: 'It5-a s€cret' });
    expect((await get(sandbox, `${REPO}/hooks/${encodeURIComponent(uuid)}`)).body).toMatchObject({ secret_set: true });
    await comment();
    const [delivery, ...more] = relay.to('https://example.com/signed');
    expect(more).toHaveLength(0);
    expect(delivery.headers['x-hub-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatureValid(delivery, 'It5-a s€cret')).toBe(true);
    expect(signatureValid(delivery, 'another secret')).toBe(false);
    expect(delivery.headers).toMatchObject({ 'x-event-key': 'pullrequest:comment_created', 'x-hook-uuid': uuid.slice(1, -1), 'x-attempt-number': '1', 'content-type': 'application/json' });
    expect(delivery.headers['x-request-uuid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.body).toMatchObject({ repository: { full_name: 'acme-dev/platform-api', type: 'repository' }, actor: { display_name: 'Demo User' } });
    expect((delivery.body.repository as { uuid: string }).uuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
  });

  it('without a secret, or after PUT with null or "", deliveries carry no signature; PUT with a new one signs with it', async () => {
    const url = 'https://example.com/rotating';
    const uuid = await hook(`${REPO}/hooks`, { url });
    const path = `${REPO}/hooks/${encodeURIComponent(uuid)}`;
    await comment();
    expect((await call(sandbox, 'PUT', path, { secret: 'first' })).body).toMatchObject({ secret_set: true });
    await comment();
    expect((await call(sandbox, 'PUT', path, { description: 'secret left out: kept' })).body).toMatchObject({ secret_set: true });
    await comment();
    expect((await call(sandbox, 'PUT', path, { secret: 'second' })).body).toMatchObject({ secret_set: true });
    await comment();
    expect((await call(sandbox, 'PUT', path, { secret: '' })).body).toMatchObject({ secret_set: false });
    await comment();
    expect((await call(sandbox, 'PUT', path, { secret: 'third' })).status).toBe(200);
    expect((await call(sandbox, 'PUT', path, { secret: null })).body).toMatchObject({ secret_set: false });
    await comment();
    const deliveries = relay.to(url);
    expect(deliveries.map((d) => d.headers['x-hub-signature'] === undefined)).toEqual([true, false, false, false, true, true]);
    expect(signatureValid(deliveries[1], 'first') && signatureValid(deliveries[2], 'first') && signatureValid(deliveries[3], 'second')).toBe(true);
  });

  it('a secret longer than 128 characters is refused (400), as the official description bounds it', async () => {
    const answer = await call(sandbox, 'POST', `${REPO}/hooks`, { url: 'https://example.com/x', events: ['repo:push'], secret: 'x'.repeat(129) });
    expect(answer.status).toBe(400);
  });
});

describe('workspace webhooks deliver', () => {
  it('an event in a repository reaches its active subscribed repository and workspace hooks, each signed with its own secret', async () => {
    // The demo user (DEMO_USER, Bearer demo-bearer-token) owns acme-dev: workspace hooks are for owners.
    await hook('/workspaces/acme-dev/hooks', { url: 'https://example.com/ws', secret: 'ws-secret' });
    await hook(`${REPO}/hooks`, { url: 'https://example.com/repo', secret: 'repo-secret' });
    await hook('/workspaces/acme-dev/hooks', { url: 'https://example.com/ws-inactive', active: false });
    await hook('/workspaces/acme-dev/hooks', { url: 'https://example.com/ws-other-event', events: ['repo:push'] });
    await comment();
    const [ws] = relay.to('https://example.com/ws');
    const [repo] = relay.to('https://example.com/repo');
    expect(signatureValid(ws, 'ws-secret') && signatureValid(repo, 'repo-secret')).toBe(true);
    expect(ws.raw.equals(repo.raw)).toBe(true);
    expect(ws.headers['x-request-uuid']).not.toBe(repo.headers['x-request-uuid']);
    expect(relay.to('https://example.com/ws-inactive')).toHaveLength(0);
    expect(relay.to('https://example.com/ws-other-event')).toHaveLength(0);
  });

  it("a workspace hook hears only its own workspace's repositories", async () => {
    await hook('/workspaces/acme-dev/hooks', { url: 'https://example.com/ws' });
    const other = ((await get(sandbox, '/repositories/blue-harbor/harbor-core/pullrequests?pagelen=1')).body.values as Array<{ id: number }>)[0];
    expect((await call(sandbox, 'POST', `/repositories/blue-harbor/harbor-core/pullrequests/${other.id}/comments`, { content: { raw: 'elsewhere' } })).status).toBe(201);
    await sandbox.state.webhooks.idle();
    expect(relay.to('https://example.com/ws')).toHaveLength(0);
    await comment();
    expect(relay.to('https://example.com/ws')).toHaveLength(1);
  });
});
