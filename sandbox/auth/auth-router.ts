import express, { type Router } from 'express';
import type { SandboxOptions } from '../options';
import { createAuthorizeEndpoint } from './authorize-endpoint';
import { createTokenEndpoint } from './token-endpoint';

/** Bitbucket's OAuth 2.0 endpoints; the app mounts this router at `/site/oauth2`. */
export function createAuthRouter(options: SandboxOptions): Router {
  const router = express.Router();
  router.get('/authorize', createAuthorizeEndpoint());
  router.post('/access_token', express.urlencoded({ extended: false }), createTokenEndpoint(options));
  router.all('/access_token', (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ error: 'invalid_request', error_description: 'Use POST with an application/x-www-form-urlencoded body' });
  });
  return router;
}
