import { decideAfterAttempt, type AttemptDecision, type AttemptSummary, type RetryPolicy } from '../../src/bitbucket/retry-policy';

const POLICY: RetryPolicy = {
  maxRetries: 2,
  maxRetryAfterSeconds: 10,
  backoffBaseMs: 200,
  maxBackoffMs: 5000,
  defaultRateLimitRetryAfterSeconds: 60,
  rateLimitBackoffBaseMs: 1000,
};
const NOW = Date.parse('2026-09-01T12:00:00Z');

type Row = [name: string, outcome: AttemptSummary, attempt: number, idempotent: boolean, expected: AttemptDecision, rateLimitWaitedMs?: number];
const EPOCH_NOW = NOW / 1000;

// random() is fixed at 0.5, so the backoff before retry n is exactly 0.5 · 200 · 2^(n-1) ms.
const ROWS: Row[] = [
  ['2xx is accepted', { type: 'response', status: 200 }, 1, true, { action: 'accept' }],
  ['201 from a POST is accepted', { type: 'response', status: 201 }, 1, false, { action: 'accept' }],
  ['404 fails at once', { type: 'response', status: 404 }, 1, true, { action: 'fail', kind: 'not-found' }],
  ['400 fails at once', { type: 'response', status: 400 }, 1, true, { action: 'fail', kind: 'bad-request' }],
  ['503 is retried with backoff (1st)', { type: 'response', status: 503 }, 1, true, { action: 'retry', delayMs: 100 }],
  ['500 is retried with backoff (2nd)', { type: 'response', status: 500 }, 2, true, { action: 'retry', delayMs: 200 }],
  ['500 after maxRetries fails', { type: 'response', status: 500 }, 3, true, { action: 'fail', kind: 'server-error' }],
  ['502 after maxRetries is unavailable', { type: 'response', status: 502 }, 3, true, { action: 'fail', kind: 'unavailable' }],
  ['501 is not retried', { type: 'response', status: 501 }, 1, true, { action: 'fail', kind: 'server-error' }],
  ['503 honours a short Retry-After', { type: 'response', status: 503, retryAfter: '3' }, 1, true, { action: 'retry', delayMs: 3000 }],
  ['503 with a long Retry-After fails with it', { type: 'response', status: 503, retryAfter: '600' }, 1, true, { action: 'fail', kind: 'unavailable', retryAfterSeconds: 600 }],
  ['503 on a POST is not retried, outcome unknown', { type: 'response', status: 503 }, 1, false, { action: 'fail', kind: 'unavailable', outcomeUnknown: true }],
  ['429 with a short Retry-After is retried', { type: 'response', status: 429, retryAfter: '2' }, 1, true, { action: 'retry', delayMs: 2000 }],
  ['429 on a POST is retried too (refused, not processed)', { type: 'response', status: 429, retryAfter: '2' }, 1, false, { action: 'retry', delayMs: 2000 }],
  ['429 with an HTTP-date Retry-After', { type: 'response', status: 429, retryAfter: 'Tue, 01 Sep 2026 12:00:05 GMT' }, 1, true, { action: 'retry', delayMs: 5000 }],
  ['429 with a long Retry-After fails', { type: 'response', status: 429, retryAfter: '11' }, 1, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 11, retryAfterSource: 'retry-after' }],
  ['429 after maxRetries fails', { type: 'response', status: 429, retryAfter: '1' }, 3, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 1, retryAfterSource: 'retry-after' }],
  ['429 whose Retry-After exceeds what is left of the wait budget fails', { type: 'response', status: 429, retryAfter: '4' }, 2, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 4, retryAfterSource: 'retry-after' }, 7000],
  // Bitbucket's usual 429 has no Retry-After (sandbox quirk `rate-limit-without-retry-after`): back off 1 s · 2^(n-1) with jitter,
  // the waits summing to at most maxRetryAfterSeconds, then report the default.
  ['429 without Retry-After backs off (1st)', { type: 'response', status: 429 }, 1, true, { action: 'retry', delayMs: 500 }],
  ['429 without Retry-After backs off (2nd)', { type: 'response', status: 429 }, 2, true, { action: 'retry', delayMs: 1000 }, 500],
  ['429 without Retry-After on a POST backs off too', { type: 'response', status: 429 }, 1, false, { action: 'retry', delayMs: 500 }],
  ['429 without Retry-After: the wait is drawn within what is left of the budget', { type: 'response', status: 429 }, 2, true, { action: 'retry', delayMs: 150 }, 9700],
  ['429 without Retry-After, budget spent: the default', { type: 'response', status: 429 }, 2, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 60, retryAfterSource: 'default' }, 10000],
  ['429 without Retry-After after maxRetries: the default', { type: 'response', status: 429 }, 3, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 60, retryAfterSource: 'default' }, 1500],
  ['429 with X-RateLimit-Reset in epoch seconds, soon: waited for', { type: 'response', status: 429, rateLimitReset: String(EPOCH_NOW + 4) }, 1, true, { action: 'retry', delayMs: 4000 }],
  ['429 with X-RateLimit-Reset in epoch seconds, late: reported', { type: 'response', status: 429, rateLimitReset: String(EPOCH_NOW + 1800) }, 1, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 1800, retryAfterSource: 'x-ratelimit-reset' }],
  ['429 with X-RateLimit-Reset as seconds from now', { type: 'response', status: 429, rateLimitReset: '90' }, 1, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 90, retryAfterSource: 'x-ratelimit-reset' }],
  ['429: Retry-After wins over X-RateLimit-Reset', { type: 'response', status: 429, retryAfter: '30', rateLimitReset: '90' }, 1, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 30, retryAfterSource: 'retry-after' }],
  ['429 with an unreadable X-RateLimit-Reset backs off as without', { type: 'response', status: 429, rateLimitReset: 'soon' }, 1, true, { action: 'retry', delayMs: 500 }],
  ['reset on a GET is retried', { type: 'failed', failure: 'network', connected: true }, 1, true, { action: 'retry', delayMs: 100 }],
  ['reset on a GET after maxRetries', { type: 'failed', failure: 'network', connected: true }, 3, true, { action: 'fail', kind: 'network' }],
  ['timeout on a GET after maxRetries', { type: 'failed', failure: 'timeout', connected: true }, 3, true, { action: 'fail', kind: 'timeout' }],
  ['reset on a POST is not retried', { type: 'failed', failure: 'network', connected: true }, 1, false, { action: 'fail', kind: 'network', outcomeUnknown: true }],
  ['timeout on a POST is not retried', { type: 'failed', failure: 'timeout', connected: true }, 1, false, { action: 'fail', kind: 'timeout', outcomeUnknown: true }],
  ['refused connection on a POST is retried (nothing was sent)', { type: 'failed', failure: 'network', connected: false }, 1, false, { action: 'retry', delayMs: 100 }],
  ['refused connection on a POST after maxRetries', { type: 'failed', failure: 'network', connected: false }, 3, false, { action: 'fail', kind: 'network' }],
  ['truncated 200 on a GET is retried', { type: 'failed', failure: 'truncated', connected: true, status: 200 }, 1, true, { action: 'retry', delayMs: 100 }],
  // A 2xx status arrived, so the write was applied; only its answer was lost: the outcome is unknown to the caller,
  // which must read before retrying (#11 item 1: a 502 here made Power Automate retry into a duplicate).
  ['truncated 201 on a POST: applied, body lost, outcome unknown', { type: 'failed', failure: 'truncated', connected: true, status: 201 }, 1, false, { action: 'fail', kind: 'bad-response', outcomeUnknown: true }],
  ['truncated 200 on a POST after a merge: outcome unknown', { type: 'failed', failure: 'truncated', connected: true, status: 200 }, 1, false, { action: 'fail', kind: 'bad-response', outcomeUnknown: true }],
  ['truncated 400 on a POST: refused, not applied', { type: 'failed', failure: 'truncated', connected: true, status: 400 }, 1, false, { action: 'fail', kind: 'bad-response' }],
  ['too-large is never retried', { type: 'failed', failure: 'too-large', connected: true, status: 200 }, 1, true, { action: 'fail', kind: 'bad-response' }],
];

describe('decideAfterAttempt', () => {
  // A rest parameter: a test function declaring more parameters than a row has would be given jest's `done`.
  it.each(ROWS)('%s', (...[, outcome, attempt, idempotent, expected, rateLimitWaitedMs]: Row) => {
    expect(decideAfterAttempt(outcome, { attempt, idempotent, policy: POLICY, nowMs: NOW, random: () => 0.5, rateLimitWaitedMs })).toEqual(expected);
  });

  it('with maxRetryAfterSeconds 0, a 429 without Retry-After fails at once', () => {
    const decision = decideAfterAttempt({ type: 'response', status: 429 }, { attempt: 1, idempotent: true, policy: { ...POLICY, maxRetryAfterSeconds: 0 }, nowMs: NOW, random: () => 0.5 });
    expect(decision).toEqual({ action: 'fail', kind: 'rate-limited', retryAfterSeconds: 60, retryAfterSource: 'default' });
  });

  it('caps the backoff at maxBackoffMs', () => {
    const decision = decideAfterAttempt({ type: 'response', status: 503 }, { attempt: 20, idempotent: true, policy: { ...POLICY, maxRetries: 30 }, nowMs: NOW, random: () => 1 });
    expect(decision).toEqual({ action: 'retry', delayMs: 5000 });
  });
});

// An idempotent write (PATCH, approve, unapprove) is retried like a read; when every attempt meets a fault that may
// have let it through, its last error says nothing of whether one of them took effect: outcome unknown, never a plain
// failure (issue #11: a 502 for an approval that was applied).
type WriteRow = [name: string, outcome: AttemptSummary, attempt: number, appliedBefore: boolean, expected: AttemptDecision];
const IDEMPOTENT_WRITE_ROWS: WriteRow[] = [
  ['reset is retried', { type: 'failed', failure: 'network', connected: true }, 1, false, { action: 'retry', delayMs: 100 }],
  ['reset after maxRetries: outcome unknown', { type: 'failed', failure: 'network', connected: true }, 3, true, { action: 'fail', kind: 'network', outcomeUnknown: true }],
  ['timeout after maxRetries: outcome unknown', { type: 'failed', failure: 'timeout', connected: true }, 3, true, { action: 'fail', kind: 'timeout', outcomeUnknown: true }],
  ['truncated 200 after maxRetries: applied, outcome unknown', { type: 'failed', failure: 'truncated', connected: true, status: 200 }, 3, true, { action: 'fail', kind: 'bad-response', outcomeUnknown: true }],
  ['500 after maxRetries: outcome unknown', { type: 'response', status: 500 }, 3, true, { action: 'fail', kind: 'server-error', outcomeUnknown: true }],
  ['501 at once: outcome unknown (a 5xx may follow the change)', { type: 'response', status: 501 }, 1, false, { action: 'fail', kind: 'server-error', outcomeUnknown: true }],
  ['refused connections after an attempt that may have applied it: outcome unknown', { type: 'failed', failure: 'network', connected: false }, 3, true, { action: 'fail', kind: 'network', outcomeUnknown: true }],
  ['a 404 after an attempt that may have applied it: outcome unknown', { type: 'response', status: 404 }, 2, true, { action: 'fail', kind: 'not-found', outcomeUnknown: true }],
  ['refused connections only: nothing was sent, a plain failure', { type: 'failed', failure: 'network', connected: false }, 3, false, { action: 'fail', kind: 'network' }],
  ['a 409 at once: refused, a plain failure', { type: 'response', status: 409 }, 1, false, { action: 'fail', kind: 'conflict' }],
];

describe('decideAfterAttempt for an idempotent write', () => {
  it.each(IDEMPOTENT_WRITE_ROWS)('%s', (...[, outcome, attempt, appliedBefore, expected]: WriteRow) => {
    expect(decideAfterAttempt(outcome, { attempt, idempotent: true, write: true, appliedBefore, policy: POLICY, nowMs: NOW, random: () => 0.5 })).toEqual(expected);
  });

  it('a GET meeting the same faults stays a plain failure', () => {
    expect(decideAfterAttempt({ type: 'failed', failure: 'network', connected: true }, { attempt: 3, idempotent: true, appliedBefore: true, policy: POLICY, nowMs: NOW, random: () => 0.5 })).toEqual({ action: 'fail', kind: 'network' });
  });
});

// A call may repeat a 500 fewer times than maxRetries (2 here): a 500 that is Bitbucket's answer to the request (an
// unsupported `q` field, BCLOUD-22709) comes back on every retry. Other statuses and faults keep the policy's retries.
type Cap500Row = [name: string, outcome: AttemptSummary, attempt: number, maxRetriesOf500: number, expected: AttemptDecision];
const CAP_500_ROWS: Cap500Row[] = [
  ['cap 1: the first 500 is retried', { type: 'response', status: 500 }, 1, 1, { action: 'retry', delayMs: 100 }],
  ['cap 1: the second 500 fails', { type: 'response', status: 500 }, 2, 1, { action: 'fail', kind: 'server-error' }],
  ['cap 0: a 500 fails at once', { type: 'response', status: 500 }, 1, 0, { action: 'fail', kind: 'server-error' }],
  ['cap 0: a 503 is still retried', { type: 'response', status: 503 }, 1, 0, { action: 'retry', delayMs: 100 }],
  ['cap 0: a reset is still retried', { type: 'failed', failure: 'network', connected: true }, 2, 0, { action: 'retry', delayMs: 200 }],
  ['cap 5 above maxRetries: maxRetries still bounds', { type: 'response', status: 500 }, 3, 5, { action: 'fail', kind: 'server-error' }],
];

describe('decideAfterAttempt with maxRetriesOf500', () => {
  it.each(CAP_500_ROWS)('%s', (...[, outcome, attempt, maxRetriesOf500, expected]: Cap500Row) => {
    expect(decideAfterAttempt(outcome, { attempt, idempotent: true, policy: POLICY, nowMs: NOW, random: () => 0.5, maxRetriesOf500 })).toEqual(expected);
  });
});
