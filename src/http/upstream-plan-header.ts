/**
 * `X-Upstream-Plan`: the plans of a request's queries as JSON (src/plan/describe-plan.ts), for a caller that asks
 * with `X-Explain: 1` (the web console's Explore view does). Off by default: plans cost header bytes and most clients
 * never read them. The value holds the query's own words and Bitbucket's route templates, never a credential.
 *
 * Header values are Latin-1 on the wire (RFC 9110 §5.5: non-ASCII is "opaque data"), and Node refuses characters
 * beyond it, so every non-ASCII character is written as a JSON `\uXXXX` escape: still the same JSON.
 */
import type { Request } from 'express';
import type { ODataQuery } from '../odata/ast';
import { describePlan, type PlanDescription } from '../plan/describe-plan';
import type { QueryPlan } from '../plan/plan-query';
import { requestContext } from './request-context';

export const EXPLAIN_REQUEST_HEADER = 'X-Explain';
export const PLAN_RESPONSE_HEADER = 'X-Upstream-Plan';
/** The last plans kept (a replan, the count, each expansion add one); the header stays a few kilobytes at most. */
const MAX_PLANS = 8;

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

type PlanRecorder = (plan: QueryPlan, query: ODataQuery) => void;

/** One recorder per request: a request may build several execution contexts (a read, its count, its expansions). */
const recorders = new WeakMap<Request, PlanRecorder>();

/** One line of a plan for the request's log line (src/http/observability.ts): set, route, path, q and sort. */
function planLine(plan: PlanDescription): string {
  return [plan.entitySet, plan.route, plan.path, plan.q !== undefined ? `q=${plan.q}` : '', plan.sort !== undefined ? `sort=${plan.sort}` : ''].filter((part) => part !== '').join(' ');
}

/**
 * The `onPlan` of a request's ExecutionContext: each plan goes to the request's log line, and to the header when the
 * request asked for it. `logged`: whether the request's log line is written (LOG_LEVEL info or debug); when it is not
 * and the request did not ask for the header, nobody reads a plan, so none is described (issue #15: CPU per answer).
 */
export function upstreamPlanRecorder(req: Request, logged = true): PlanRecorder | undefined {
  const res = req.res;
  if (!res) return undefined;
  const known = recorders.get(req);
  if (known) return known;
  const explain = req.get(EXPLAIN_REQUEST_HEADER) === '1';
  if (!explain && !logged) return undefined;
  const plans: PlanDescription[] = [];
  const recorder: PlanRecorder = (plan, query) => {
    const described = describePlan(plan, query);
    const context = requestContext.getStore();
    if (context) context.plans = [...(context.plans ?? []), planLine(described)].slice(-MAX_PLANS);
    if (!explain) return;
    plans.push(described);
    // Plans made after the status went out (later chunks of a streamed page) cannot be added any more.
    if (!res.headersSent) res.setHeader(PLAN_RESPONSE_HEADER, asciiJson(plans.slice(-MAX_PLANS)));
  };
  recorders.set(req, recorder);
  return recorder;
}
