/**
 * `Prefer: bitbucket.trust-newest-first` (a custom preference, RFC 7240 §2: a server ignores preferences it does not
 * know, and names the ones it honoured in `Preference-Applied`). A client that refreshes by time windows
 * (`Date ge A and Date lt B`) may let the gateway stop reading a list at the window's lower bound where Bitbucket lists
 * it newest first without promising that order (`ListRoute.newestFirst`: commits, pull request activity). It is a
 * heuristic the client chooses knowingly: a row dated below the bound that Bitbucket lists after an older one is
 * missed (a rebased commit keeps its older author date). Without the preference nothing is missed and nothing stops.
 * The answer says `Preference-Applied: bitbucket.trust-newest-first` only when a read relied on it.
 */
import type { Request, Response } from 'express';
import type { ExecutionContext } from '../plan/execution-context';

export const TRUST_NEWEST_FIRST = 'bitbucket.trust-newest-first';

/** Whether the request's `Prefer` header holds the preference (any position, case-insensitive, without a value). */
export function prefersTrustNewestFirst(req: Request): boolean {
  const prefer = req.get('prefer') ?? '';
  return prefer.split(',').some((part) => part.split(';', 1)[0].trim().toLowerCase() === TRUST_NEWEST_FIRST);
}

/** The context's share of it: present when the client asked, `applied` once a read relied on it. */
export function trustNewestFirstOf(req: Request): Pick<ExecutionContext, 'trustNewestFirst'> {
  return prefersTrustNewestFirst(req) ? { trustNewestFirst: { applied: false } } : {};
}

/** Adds the preference to `Preference-Applied` when a read of `ctx` relied on it (before the headers are sent). */
export function reportTrustNewestFirst(res: Response, ctx: ExecutionContext): void {
  if (ctx.trustNewestFirst?.applied) res.append('Preference-Applied', TRUST_NEWEST_FIRST);
}
