import express, { type Router } from 'express';
import type { SandboxOptions } from '../options';
import { createAuthorizeEndpoint } from './authorize-endpoint';
import { createTokenEndpoint } from './token-endpoint';
import type { TokenStore } from './token-store';

/**
 * Bitbucket's OAuth 2.0 endpoints, issuing into the instance's `tokens`; the app mounts this router at `/site/oauth2`.
 * `findSeededUser` lets `sandbox_user` name any user of the seed, not only a fixed identity (authorize-endpoint.ts).
 */
export function createAuthRouter(options: SandboxOptions, tokens: TokenStore, findSeededUser?: (nickname: string) => { uuid: string } | undefined): Router {
  const router = express.Router();
  router.get('/authorize', createAuthorizeEndpoint(tokens, findSeededUser));
  router.post('/access_token', express.urlencoded({ extended: false }), createTokenEndpoint(options, tokens));
  router.all('/access_token', (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ error: 'invalid_request', error_description: 'Use POST with an application/x-www-form-urlencoded body' });
  });
  return router;
}
