/**
 * The budget per upstream principal (src/budget) as the Bitbucket client's gate, in a request: a refusal becomes
 * `429 UpstreamBudget` with an integer Retry-After of 1-120 s (Power Query honours up to 120 s on 429,
 * learn.microsoft.com/power-query/handling-status-codes) and a message saying what was refused and when the budget
 * frees; it also stops the request's other upstream work (its abort signal, as MAX_UPSTREAM_CALLS_PER_REQUEST does).
 * The caller's budget after each call is kept for the `X-Budget-*` response headers (setBudgetHeaders).
 */
import type { ServerResponse } from 'node:http';
import type { UpstreamBudgetGate } from '../bitbucket';
import { BudgetRefusal, type BudgetReport, type PrincipalBudget } from '../budget';
import { ODataError } from '../odata/errors';
import { requestContext, type RequestContext } from './request-context';

const MAX_CLIENT_RETRY_AFTER_SECONDS = 120;

const reports = new WeakMap<RequestContext, BudgetReport>();

/** Keeps the caller's budget after a call for the current request's response headers. */
export function reportBudget(report: BudgetReport): void {
  const context = requestContext.getStore();
  if (context) reports.set(context, report);
}

/**
 * `X-Budget-Limit`, `-Remaining` and `-Reset` (seconds) of the caller's principal after the request's last call, or
 * none when it made no call. Not `X-RateLimit-*`: those are Bitbucket's own headers, and this is the gateway's count.
 */
export function setBudgetHeaders(res: Pick<ServerResponse, 'setHeader'>, context: RequestContext): void {
  const report = reports.get(context);
  if (!report) return;
  res.setHeader('X-Budget-Limit', String(report.limit));
  res.setHeader('X-Budget-Remaining', String(report.remaining));
  res.setHeader('X-Budget-Reset', String(report.resetSeconds));
}

export function principalBudgetGate(budget: PrincipalBudget, now: () => number = Date.now): UpstreamBudgetGate {
  return {
    async beforeAttempt(credential, attempt) {
      try {
        await budget.beforeAttempt(credential, attempt);
      } catch (error) {
        if (!(error instanceof BudgetRefusal)) throw error;
        const refusal = budgetError(error, now());
        const context = requestContext.getStore();
        if (context && !context.abort.signal.aborted) context.abort.abort(refusal);
        throw refusal;
      }
    },
    afterAnswer: (credential, status, headers) => budget.afterAnswer(credential, status, headers),
    lostAfterWrite: () => budget.lostAfterWrite(),
  };
}

export function budgetError(refusal: BudgetRefusal, nowMs: number): ODataError {
  const { limit, remaining, freesInSeconds, spentByRequest, reserve, userLimit } = refusal.details;
  const retryAfter = Math.min(MAX_CLIENT_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(freesInSeconds)));
  const at = new Date(nowMs + freesInSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const who = 'this credential (or the OAuth consumer it belongs to)';
  let what: string;
  switch (refusal.reason) {
    case 'reserve':
      what =
        `Bitbucket allows ${limit} calls per rolling hour to ${who}, and ${remaining} are left: fewer than the ${reserve} this gateway keeps in reserve (UPSTREAM_BUDGET_RESERVE), ` +
        'so this request was refused before making any call (what it costs is known only once it has listed what it reads: at least one call per repository and page).';
      break;
    case 'exhausted':
      what = `The ${limit} Bitbucket calls per rolling hour of ${who} are spent: this request stopped after ${spentByRequest} calls and returns no rows.`;
      break;
    case 'user-share':
      what =
        `You have spent your share of the OAuth consumer's hour (${userLimit ?? '?'} of its ${limit} calls, UPSTREAM_BUDGET_USER_SHARE_PERCENT), so the others behind the same consumer keep theirs` +
        (spentByRequest > 0 ? `; this request stopped after ${spentByRequest} calls and returns no rows.` : '; nothing was called.');
      break;
    case 'upstream-429':
      what = `Bitbucket answered 429 (rate limit) to ${who} moments ago, so this gateway calls it no more until its wait has passed` + (spentByRequest > 0 ? `; this request stopped after ${spentByRequest} calls.` : '; nothing was called.');
      break;
  }
  const when = `Enough calls free up in ${Math.ceil(freesInSeconds)} s (at ${at}).` + (freesInSeconds > retryAfter ? ' Retrying sooner than that is refused again without calling Bitbucket.' : '');
  return new ODataError('UpstreamBudget', { what, when, retryAfter }, { headers: { 'Retry-After': String(retryAfter) } });
}
