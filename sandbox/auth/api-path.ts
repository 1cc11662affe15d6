import type { Request } from 'express';

/** Rate limits and faults apply to the REST API only, not to `/site/oauth2` nor to the sandbox's `/_sandbox` controls. */
export function isApiRequest(req: Request): boolean {
  const path = req.originalUrl.split('?', 1)[0];
  return path === '/2.0' || path.startsWith('/2.0/');
}

/**
 * The "api" resource group of scaled rate limits: "most /2.0/repositories/* endpoints" (Bitbucket blog "Introducing
 * scaled rate limits for Bitbucket Cloud API").
 */
export function isScaledRateLimitRequest(req: Request): boolean {
  const path = req.originalUrl.split('?', 1)[0];
  return path === '/2.0/repositories' || path.startsWith('/2.0/repositories/');
}
