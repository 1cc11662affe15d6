import type { RunningSandbox } from '../../../sandbox/app';
import { startTestSandbox } from '../sandbox-fixture';
import { call, get, REPO, resetSandbox } from './write-fixture';
import { Relay, signatureValid, type RelayAnswer } from './webhook-relay';

/**
 * Retries and lost deliveries: Bitbucket tries a delivery 3 times in all ("Event payloads": X-Attempt-Number; "after
 * the first request, Bitbucket tries to send the payload two more times if the previous attempts fail") when an
 * attempt meets a network error, a timeout or a 5xx ("Troubleshoot webhooks"), then drops it; the `webhookDropRate`
 * fault loses deliveries outright, for tests of notices that never come.
 */
const RETRY_DELAY_MS = 60;
let sandbox: RunningSandbox;
const relay = new Relay();
let pr: string;
const URL_ = 'https://example.com/retried';

beforeAll(async () => {
  sandbox = await startTestSandbox({ webhookRelayUrl: await relay.start(), webhookRetryDelayMs: RETRY_DELAY_MS, webhookTimeoutMs: 150 });
  await resetSandbox(sandbox);
  // The repository's seeded webhooks would hear the comments too: remove them, so the counts are this hook's alone.
  for (const seeded of (await get(sandbox, `${REPO}/hooks`)).body.values as Array<{ uuid: string }>) {
    expect((await call(sandbox, 'DELETE', `${REPO}/hooks/${encodeURIComponent(seeded.uuid)}`)).status).toBe(204);
  }
  const hook = await call(sandbox, 'POST', `${REPO}/hooks`, { url: URL_, events: ['pullrequest:comment_created'], secret: 'retry-secret' });
  expect(hook.status).toBe(201);
  const first = ((await get(sandbox, `${REPO}/pullrequests?sort=id&pagelen=1`)).body.values as Array<{ id: number }>)[0];
  pr = `${REPO}/pullrequests/${first.id}`;
});
beforeEach(async () => {
  await fetch(`${sandbox.url}/_sandbox/faults/reset`, { method: 'POST' });
  relay.clear();
  sandbox.state.webhooks.resetStats();
});
afterAll(async () => {
  await sandbox.close();
  await relay.close();
});

/** Comments once (the hook hears it), with the relay answering the hook's attempts in turn; waits for the outcome. */
async function deliverWith(answers: RelayAnswer[]) {
  let attempt = 0;
  relay.answer = (d) => (d.headers['x-sandbox-webhook-url'] === URL_ ? answers[Math.min(attempt++, answers.length - 1)] : 200);
  expect((await call(sandbox, 'POST', `${pr}/comments`, { content: { raw: 'retry me' } })).status).toBe(201);
  await sandbox.state.webhooks.idle();
  return relay.to(URL_);
}

describe('retries', () => {
  it.each([
    ['a 500 then a 503, then 200', [500, 503, 200], 3, { delivered: 1, failed: 0 }],
    ['three 502s: dropped after the third', [502], 3, { delivered: 0, failed: 1 }],
    ['no answer within the timeout, then 200', ['hang', 200], 2, { delivered: 1, failed: 0 }],
    ['a dropped connection three times', ['reset'], 3, { delivered: 0, failed: 1 }],
    ['a 404 (not retried)', [404], 1, { delivered: 0, failed: 1 }],
    ['a 410 (not retried)', [410], 1, { delivered: 0, failed: 1 }],
    ['a 202 at once', [202], 1, { delivered: 1, failed: 0 }],
  ] as Array<[string, RelayAnswer[], number, { delivered: number; failed: number }]>)('%s', async (_case, answers, attempts, outcome) => {
    const deliveries = await deliverWith(answers);
    expect(deliveries.map((d) => d.headers['x-attempt-number'])).toEqual(['1', '2', '3'].slice(0, attempts));
    expect(new Set(deliveries.map((d) => d.headers['x-request-uuid'])).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers['x-hook-uuid'])).size).toBe(1);
    for (const d of deliveries) {
      expect(d.raw.equals(deliveries[0].raw)).toBe(true);
      expect(signatureValid(d, 'retry-secret')).toBe(true);
    }
    expect(sandbox.state.webhooks.stats()).toMatchObject({ ...outcome, attempts, dropped: 0 });
  });

  it('attempts 2 and 3 come after the retry delay', async () => {
    const deliveries = await deliverWith([500]);
    expect(deliveries).toHaveLength(3);
    expect(deliveries[1].at - deliveries[0].at).toBeGreaterThanOrEqual(RETRY_DELAY_MS - 5);
    expect(deliveries[2].at - deliveries[1].at).toBeGreaterThanOrEqual(RETRY_DELAY_MS - 5);
  });
});

describe('the webhookDropRate fault: deliveries lost', () => {
  const setFaults = (body: unknown) => fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('1 loses every delivery while set (the write itself succeeds); after the reset they arrive again', async () => {
    expect(await (await setFaults({ webhookDropRate: 1 })).json()).toMatchObject({ webhookDropRate: 1 });
    expect(await deliverWith([200])).toHaveLength(0);
    expect(await deliverWith([200])).toHaveLength(0);
    expect(sandbox.state.webhooks.stats()).toMatchObject({ dropped: 2, delivered: 0, attempts: 0 });
    await fetch(`${sandbox.url}/_sandbox/faults/reset`, { method: 'POST' });
    expect(await deliverWith([200])).toHaveLength(1);
  });

  it('a rate between 0 and 1 loses some, by the fault seed; out of range is refused (400)', async () => {
    await setFaults({ webhookDropRate: 0.5, seed: 7 });
    for (let i = 0; i < 8; i += 1) await deliverWith([200]);
    const { delivered, dropped } = sandbox.state.webhooks.stats();
    expect(delivered + dropped).toBe(8);
    expect(delivered).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect((await setFaults({ webhookDropRate: 1.5 })).status).toBe(400);
  });
});
