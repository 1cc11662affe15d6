import express, { type Request, type Response, type Router } from 'express';
import type { SandboxClock } from './clock';
import type { TokenKind, TokenStore } from './token-store';

/**
 * Test and benchmark controls, mounted by the app at `/_sandbox/auth`:
 * - `POST /revoke {token}`: the token answers 401 "Token is invalid..." from now on;
 * - `POST /expire {token}`: the token answers 401 "Access token expired..." (no waiting for its lifetime);
 * - `POST /reset`: forgets all issued codes and tokens, clears revoked/expired marks and restores the start clock.
 * Bodies may be JSON or form-encoded. Answers name the kind of token touched and never echo the token.
 */
export function createAuthControlRouter(tokens: TokenStore, clock: SandboxClock): Router {
  const router = express.Router();
  router.use(express.json(), express.urlencoded({ extended: false }));
  router.post('/revoke', (req, res) => applyToToken(req, res, (token) => tokens.revokeToken(token), 'revoked'));
  router.post('/expire', (req, res) => applyToToken(req, res, (token) => tokens.expireToken(token), 'expired'));
  router.post('/reset', (_req, res) => {
    tokens.reset();
    clock.reset();
    res.status(200).json({ reset: true });
  });
  return router;
}

function applyToToken(req: Request, res: Response, action: (token: string) => TokenKind | undefined, verb: 'revoked' | 'expired'): void {
  const token: unknown = (req.body as Record<string, unknown> | undefined)?.token;
  if (typeof token !== 'string' || token === '') {
    res.status(400).json({ error: 'Send {"token": "<access, refresh or fixed token>"} as JSON or form data' });
    return;
  }
  const kind = action(token);
  if (!kind) {
    res.status(404).json({ [verb]: false, error: 'The sandbox does not know that token' });
    return;
  }
  res.status(200).json({ [verb]: true, kind });
}
