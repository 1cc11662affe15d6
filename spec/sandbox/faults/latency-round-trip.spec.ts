import http from 'node:http';
import { LISTING, rawGet, startFaultTestServer, type FaultTestServer, type RawOutcome } from './fault-test-app';

/**
 * SANDBOX_LATENCY_MS is the round trip (issue #15): a request is handled as soon as it arrives and its answer is held
 * until the latency has passed since arrival. The latency's timer here is a gate the test opens, so the specs assert
 * the order of events (handled, held, answered), not milliseconds.
 */
let sandbox: FaultTestServer | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

interface Gate {
  sleep: () => Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { sleep: () => opened, open };
}

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries += 1) {
    if (tries > 400) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Long enough for an answer that was sent to reach a client on the loopback; an answer held must not arrive in it. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

describe('SANDBOX_LATENCY_MS is the round trip: handled at once, answered when the latency has passed', () => {
  it('handles concurrent requests while their latency runs, and answers none of them before it has passed', async () => {
    const latency = gate();
    sandbox = await startFaultTestServer({ latencyMs: 50 }, undefined, latency.sleep);
    const outcomes: RawOutcome[] = [];
    const requests = Array.from({ length: 8 }, () => rawGet(`${sandbox?.baseUrl}/2.0/repositories`).then((outcome) => void outcomes.push(outcome)));
    // All eight handlers ran inside their latency (before waiting first, none would have run yet)…
    await until(() => sandbox?.handled() === 8);
    await settle();
    // …and their answers are held until it has passed.
    expect(outcomes).toEqual([]);
    latency.open();
    await Promise.all(requests);
    expect(sandbox.sleeps).toEqual(Array(8).fill(50));
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 200, ending: 'complete' });
      expect(JSON.parse(outcome.body)).toEqual(LISTING);
    }
  });

  it('holds an injected error answer for the latency too', async () => {
    const latency = gate();
    sandbox = await startFaultTestServer({ latencyMs: 50, errorRate: 1 }, undefined, latency.sleep);
    let answered = false;
    const request = rawGet(`${sandbox.baseUrl}/2.0/repositories`).then((outcome) => ((answered = true), outcome));
    await until(() => sandbox?.sleeps.length === 1);
    await settle();
    expect(answered).toBe(false);
    latency.open();
    const outcome = await request;
    expect(outcome.headers['x-sandbox-fault']).toBe('error');
    expect([500, 502, 503]).toContain(outcome.status);
  });

  it('still cuts a truncated answer when it is held for latency', async () => {
    sandbox = await startFaultTestServer({ latencyMs: 50, truncateRate: 1 });
    const outcome = await rawGet(`${sandbox.baseUrl}/2.0/repositories`);
    expect(outcome).toMatchObject({ status: 200, ending: 'aborted' });
    expect(outcome.headers['x-sandbox-fault']).toBe('truncate');
    expect(Buffer.byteLength(outcome.body)).toBeLessThan(Buffer.byteLength(JSON.stringify(LISTING)));
  });

  it('sends nothing, and throws nothing, when the client has gone before the latency passed', async () => {
    const latency = gate();
    sandbox = await startFaultTestServer({ latencyMs: 50 }, undefined, latency.sleep);
    const client = http.get(`${sandbox.baseUrl}/2.0/repositories`, { agent: false });
    client.on('error', () => undefined);
    await until(() => sandbox?.handled() === 1);
    client.destroy();
    await settle();
    latency.open();
    await settle();
    // The server is still serving (an uncaught write error would have failed this spec).
    expect(await rawGet(`${sandbox.baseUrl}/2.0/repositories`)).toMatchObject({ status: 200, ending: 'complete' });
  });
});
