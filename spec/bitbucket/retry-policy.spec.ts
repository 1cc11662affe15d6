import { decideAfterAttempt, type AttemptDecision, type AttemptSummary, type RetryPolicy } from '../../src/bitbucket/retry-policy';

const POLICY: RetryPolicy = {
  maxRetries: 2,
  maxRetryAfterSeconds: 10,
  backoffBaseMs: 200,
  maxBackoffMs: 5000,
  defaultRateLimitRetryAfterSeconds: 60,
};
const NOW = Date.parse('2026-09-01T12:00:00Z');

type Row = [name: string, outcome: AttemptSummary, attempt: number, idempotent: boolean, expected: AttemptDecision];

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
  ['429 with a long Retry-After fails', { type: 'response', status: 429, retryAfter: '11' }, 1, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 11 }],
  ['429 without Retry-After reports the default', { type: 'response', status: 429 }, 1, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 60 }],
  ['429 after maxRetries fails', { type: 'response', status: 429, retryAfter: '1' }, 3, true, { action: 'fail', kind: 'rate-limited', retryAfterSeconds: 1 }],
  ['reset on a GET is retried', { type: 'failed', failure: 'network', connected: true }, 1, true, { action: 'retry', delayMs: 100 }],
  ['reset on a GET after maxRetries', { type: 'failed', failure: 'network', connected: true }, 3, true, { action: 'fail', kind: 'network' }],
  ['timeout on a GET after maxRetries', { type: 'failed', failure: 'timeout', connected: true }, 3, true, { action: 'fail', kind: 'timeout' }],
  ['reset on a POST is not retried', { type: 'failed', failure: 'network', connected: true }, 1, false, { action: 'fail', kind: 'network', outcomeUnknown: true }],
  ['timeout on a POST is not retried', { type: 'failed', failure: 'timeout', connected: true }, 1, false, { action: 'fail', kind: 'timeout', outcomeUnknown: true }],
  ['refused connection on a POST is retried (nothing was sent)', { type: 'failed', failure: 'network', connected: false }, 1, false, { action: 'retry', delayMs: 100 }],
  ['refused connection on a POST after maxRetries', { type: 'failed', failure: 'network', connected: false }, 3, false, { action: 'fail', kind: 'network' }],
  ['truncated 200 on a GET is retried', { type: 'failed', failure: 'truncated', connected: true, status: 200 }, 1, true, { action: 'retry', delayMs: 100 }],
  ['truncated 201 on a POST: applied, body lost', { type: 'failed', failure: 'truncated', connected: true, status: 201 }, 1, false, { action: 'fail', kind: 'bad-response' }],
  ['too-large is never retried', { type: 'failed', failure: 'too-large', connected: true, status: 200 }, 1, true, { action: 'fail', kind: 'bad-response' }],
];

describe('decideAfterAttempt', () => {
  it.each(ROWS)('%s', (_name, outcome, attempt, idempotent, expected) => {
    expect(decideAfterAttempt(outcome, { attempt, idempotent, policy: POLICY, nowMs: NOW, random: () => 0.5 })).toEqual(expected);
  });

  it('caps the backoff at maxBackoffMs', () => {
    const decision = decideAfterAttempt({ type: 'response', status: 503 }, { attempt: 20, idempotent: true, policy: { ...POLICY, maxRetries: 30 }, nowMs: NOW, random: () => 1 });
    expect(decision).toEqual({ action: 'retry', delayMs: 5000 });
  });
});
