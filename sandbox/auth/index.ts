/** The sandbox's authentication, OAuth 2.0 consumer endpoints and rate limiting: the API the sandbox app wires in. */
export type { Principal } from './principal';
export { anonymousPrincipal, principalOf } from './principal';
export { createAuthenticate } from './authenticate';
export { createAuthRouter } from './auth-router';
export { createAuthControlRouter } from './auth-control-router';
export { TokenStore, type TokenKind } from './token-store';
export { ManualClock, SandboxClock, systemClock, type Clock } from './clock';
export { createRateLimit, RateLimits, RATE_LIMIT_EXCEEDED_TEXT, type RateLimitBudget } from './rate-limit';
export { createRateLimitControlRouter } from './rate-limit-control-router';
export { createScopeCheck, MISSING_SCOPE_MESSAGE } from './check-scopes';
