/**
 * The readiness check's decisions, with a scripted probe (the Bitbucket client's probe is a function given to it):
 * re-checks with doubling waits until `bitbucket`, one probe shared by requests that arrive during a check, nothing checked
 * once ready, each problem logged once rather than at every retry, and no checks after stop().
 */
import { UpstreamReadiness, type UpstreamCheckTiming, type UpstreamProbeResult } from '../../src/upstream-readiness';
import { createLogger } from '../../src/logger';

const URL = 'http://127.0.0.1:1/2.0';
const REFUSED: UpstreamProbeResult = { kind: 'unreachable', problem: 'connection refused (ECONNREFUSED)' };
const NOT_BITBUCKET: UpstreamProbeResult = { kind: 'not-bitbucket', problem: 'HTTP 404 with text/html' };
const BITBUCKET: UpstreamProbeResult = { kind: 'bitbucket' };
const FAILING: UpstreamProbeResult = { kind: 'failing', status: 500, problem: 'GET http://127.0.0.1:1/2.0/user answered HTTP 500: Something went wrong' };

function scripted(outcomes: UpstreamProbeResult[], timing: Partial<UpstreamCheckTiming> = { retryBaseMs: 10, retryMaxMs: 40, recheckAfterMs: 60_000 }) {
  const lines: Array<{ level: string; message: string; problem?: string; retryInMs?: number }> = [];
  let probes = 0;
  const readiness = new UpstreamReadiness({
    url: URL,
    logger: createLogger('debug', (line) => lines.push(JSON.parse(line))),
    timing,
    probe: async () => outcomes[Math.min(probes++, outcomes.length - 1)],
  });
  return { readiness, lines, probes: () => probes };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2000) throw new Error('condition not reached in 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('unreachable twice, then Bitbucket: background re-checks with doubling waits reach ready; one warning, one info', async () => {
  const { readiness, lines, probes } = scripted([REFUSED, REFUSED, BITBUCKET]);
  readiness.start();
  expect(await readiness.settled()).toEqual(REFUSED);
  await until(() => readiness.state.kind === 'bitbucket');
  expect(probes()).toBe(3);
  expect(lines.map((line) => [line.level, line.retryInMs])).toEqual([['warn', 10], ['info', undefined]]);
  expect(lines[0].problem).toBe('connection refused (ECONNREFUSED)');
  readiness.stop();
});

test('the same problem is logged once however often a re-check sees it', async () => {
  const { readiness, lines, probes } = scripted([NOT_BITBUCKET]);
  readiness.start();
  await until(() => probes() >= 5);
  readiness.stop();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 'error', problem: 'HTTP 404 with text/html', retryInMs: 10 });
  expect(lines[0].message).toContain(URL);
});

test('requests during a check share its probe; once ready, nothing is checked again', async () => {
  const { readiness, probes } = scripted([BITBUCKET]);
  readiness.start();
  const states = await Promise.all([readiness.current(), readiness.current(), readiness.current()]);
  expect(states.map((state) => state.kind)).toEqual(['bitbucket', 'bitbucket', 'bitbucket']);
  await readiness.current();
  expect(probes()).toBe(1);
});

test('a request re-checks a not-ready upstream at once when the last check is older than recheckAfterMs', async () => {
  const { readiness, probes } = scripted([REFUSED, BITBUCKET], { retryBaseMs: 60_000, retryMaxMs: 60_000, recheckAfterMs: 0 });
  readiness.start();
  expect((await readiness.settled()).kind).toBe('unreachable');
  expect((await readiness.current()).kind).toBe('bitbucket');
  expect(probes()).toBe(2);
  readiness.stop();
});

test('a probe that throws counts as unreachable, with its message', async () => {
  const readiness = new UpstreamReadiness({ url: URL, logger: createLogger('error', () => undefined), probe: () => Promise.reject(new Error('socket hang up')) });
  readiness.start();
  expect(await readiness.settled()).toEqual({ kind: 'unreachable', problem: 'socket hang up' });
  readiness.stop();
});

test('after stop(), no background check runs', async () => {
  const { readiness, probes } = scripted([REFUSED]);
  readiness.start();
  await readiness.settled();
  readiness.stop();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(probes()).toBe(1);
});

test('Bitbucket failing (a 5xx) is its own state, logged as a warning, and re-checked sooner than an unreachable upstream', async () => {
  const timing = { retryBaseMs: 10, retryMaxMs: 10_000, failingRetryMaxMs: 20, recheckAfterMs: 60_000 };
  const failing = scripted([FAILING], timing);
  failing.readiness.start();
  expect(await failing.readiness.settled()).toEqual(FAILING);
  await until(() => failing.probes() >= 6);
  failing.readiness.stop();
  expect(failing.lines).toHaveLength(1);
  expect(failing.lines[0]).toMatchObject({ level: 'warn', problem: FAILING.kind === 'failing' ? FAILING.problem : '', retryInMs: 10 });
  expect(failing.lines[0].message).toContain('is failing');
  // The waits stop doubling at failingRetryMaxMs (10, 20, 20, …): six probes in well under the 10+20+40+80+160 ms
  // that the doubling waits of an unreachable upstream take to reach the same number.
  const refused = scripted([REFUSED], timing);
  const started = Date.now();
  refused.readiness.start();
  await new Promise((resolve) => setTimeout(resolve, 150));
  refused.readiness.stop();
  expect(refused.probes()).toBeLessThan(6);
  expect(Date.now() - started).toBeGreaterThanOrEqual(150);
});
