import type { UpstreamCredential } from './upstream-credential';

/**
 * What the client asks before each call it sends and tells after each answer, so a budget per upstream principal
 * (src/budget/principal-budget.ts) can refuse a call that would not fit and learn from what Bitbucket says. The client
 * knows only this interface; a refusal is whatever `beforeAttempt` rejects with, and nothing is sent then.
 */
export interface UpstreamBudgetGate {
  /** Before attempt `attempt` (1 for a call's first, more for its retries) of a call that goes to Bitbucket. */
  beforeAttempt(credential: UpstreamCredential, attempt: number): Promise<void>;
  /** After an answer: its status and (lower-case) headers, e.g. 429 or `x-ratelimit-limit`. */
  afterAnswer(credential: UpstreamCredential, status: number, headers: Record<string, string>): Promise<void>;
  /**
   * `afterAnswer` failed (its store away) after a write Bitbucket answered: the write has happened and its caller hears
   * its outcome, so what the budget would have noted is lost instead; counted, never thrown.
   */
  lostAfterWrite(): void;
}
