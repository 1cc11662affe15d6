/**
 * One sandbox instance owns all its state (issue #13 item 4): two sandboxes in one process, as the differential and
 * fault specs start them, share no faults, rate limits, tokens, quirks or clock. Each case changes one sandbox through
 * its own controls and shows the other unaffected.
 */
import type { RunningSandbox } from '../../sandbox/app';
import { ManualClock } from '../../sandbox/auth';
import { DEMO_USER } from '../../sandbox/identities';
import { AS_DEMO, getJson, startTestSandbox } from './sandbox-fixture';

let changed: RunningSandbox;
let untouched: RunningSandbox;
beforeAll(async () => {
  changed = await startTestSandbox();
  untouched = await startTestSandbox();
});
afterAll(async () => {
  await changed.close();
  await untouched.close();
});

async function control(sandbox: RunningSandbox, method: 'PUT' | 'POST', path: string, body: unknown): Promise<number> {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.status;
}

/** The status of `GET /2.0/user` as the demo user (a 429 has a text body, so only the status is read). */
const whoAmI = async (sandbox: RunningSandbox): Promise<number> => (await fetch(`${sandbox.apiUrl}/user`, { headers: AS_DEMO })).status;

describe('two sandboxes in one process', () => {
  it('faults set on one do not reach the other', async () => {
    expect(await control(changed, 'PUT', '/faults', { errorRate: 1 })).toBe(200);
    try {
      expect(await whoAmI(changed)).toBeGreaterThanOrEqual(500);
      expect(await whoAmI(untouched)).toBe(200);
      expect((await getJson(`${untouched.url}/_sandbox/faults`)).body).toMatchObject({ errorRate: 0 });
    } finally {
      await control(changed, 'POST', '/faults/reset', {});
    }
  });

  it('a rate limit set on one does not throttle the other, nor change its budget', async () => {
    expect(await control(changed, 'PUT', '/rate-limit', { perHour: 1 })).toBe(200);
    await control(changed, 'POST', '/rate-limit/reset', {}); // The earlier cases spent some of the hour.
    try {
      expect([await whoAmI(changed), await whoAmI(changed)]).toEqual([200, 429]);
      expect([await whoAmI(untouched), await whoAmI(untouched)]).toEqual([200, 200]);
      expect((await getJson(`${untouched.url}/_sandbox/rate-limit`)).body).toEqual({ perHour: 1_000_000_000, anonymousPerHour: null });
    } finally {
      await control(changed, 'PUT', '/rate-limit', { perHour: 1_000_000_000 });
      await control(changed, 'POST', '/rate-limit/reset', {});
    }
  });

  it('a token revoked on one still works on the other', async () => {
    expect(await control(changed, 'POST', '/auth/revoke', { token: DEMO_USER.bearerToken })).toBe(200);
    try {
      expect(await whoAmI(changed)).toBe(401);
      expect(await whoAmI(untouched)).toBe(200);
    } finally {
      await control(changed, 'POST', '/auth/reset', {});
    }
  });

  it('quirks set on one leave the other well-behaved', async () => {
    expect(await control(changed, 'PUT', '/quirks', { quirks: ['no-size-anywhere'] })).toBe(200);
    try {
      const path = '/repositories/acme-dev/platform-api/refs/branches';
      expect((await getJson(`${changed.apiUrl}${path}`)).body).not.toHaveProperty('size');
      expect((await getJson(`${untouched.apiUrl}${path}`)).body).toHaveProperty('size');
    } finally {
      await control(changed, 'PUT', '/quirks', { quirks: [] });
    }
  });

  it('a clock swapped on one leaves the other on the system clock', () => {
    const manual = new ManualClock(Date.UTC(2030, 0, 1));
    changed.state.clock.use(manual);
    try {
      expect(changed.state.clock.now()).toBe(Date.UTC(2030, 0, 1));
      expect(Math.abs(untouched.state.clock.now() - Date.now())).toBeLessThan(5_000);
    } finally {
      changed.state.clock.reset();
    }
  });
});
