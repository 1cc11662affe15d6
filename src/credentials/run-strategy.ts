/**
 * Run one passport strategy on one request without passport's global middleware (the gateway has no server-side
 * session for passport to use): passport's own technique of an object inheriting from the strategy with the five
 * actions attached, turned into a promise of what the strategy decided.
 */
import type { Request } from 'express';
import type OAuth2Strategy from 'passport-oauth2';

export type StrategyOutcome =
  | { kind: 'redirect'; url: string; status: number }
  | { kind: 'success'; user: unknown; info: Record<string, unknown> }
  | { kind: 'fail'; challenge: unknown; status: number | undefined }
  | { kind: 'error'; error: unknown }
  | { kind: 'pass' };

interface StrategyActions {
  redirect(url: string, status?: number): void;
  success(user: unknown, info?: Record<string, unknown>): void;
  fail(challenge?: unknown, status?: number): void;
  error(error: unknown): void;
  pass(): void;
  authenticate(req: Request, options?: object): void;
}

export function runStrategy(strategy: OAuth2Strategy, req: Request, options: object = {}): Promise<StrategyOutcome> {
  return new Promise((resolve) => {
    const action = Object.create(strategy) as StrategyActions;
    action.redirect = (url, status = 302) => resolve({ kind: 'redirect', url, status });
    action.success = (user, info = {}) => resolve({ kind: 'success', user, info });
    action.fail = (challenge, status) => resolve({ kind: 'fail', challenge: typeof challenge === 'number' ? undefined : challenge, status: typeof challenge === 'number' ? challenge : status });
    action.error = (error) => resolve({ kind: 'error', error });
    action.pass = () => resolve({ kind: 'pass' });
    try {
      action.authenticate(req, options);
    } catch (error) {
      resolve({ kind: 'error', error });
    }
  });
}
