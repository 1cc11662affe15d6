import { MAX_REPORTED_RETRY_AFTER_SECONDS } from './retry-after';

/** Values this large are Unix times, not waits (1e9 s is 2001-09-09; no wait is 31 years long). */
const EPOCH_SECONDS_FROM = 1_000_000_000;

/**
 * Seconds until the rate-limit window resets, from an `X-RateLimit-Reset` header, or undefined when absent or
 * unreadable. Bitbucket does not document this header (it documents `X-RateLimit-Limit`, `-Resource` and
 * `-NearLimit` for access tokens only, support.atlassian.com/bitbucket-cloud/docs/api-request-limits/), so both common forms are read: Unix epoch seconds
 * (GitHub's convention, docs.github.com "Rate limits for the REST API") and seconds from now (the IETF
 * RateLimit-Reset draft's form).
 */
export function parseRateLimitReset(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const number = Number(text);
  const seconds = number >= EPOCH_SECONDS_FROM ? Math.ceil(number - nowMs / 1000) : number;
  return Math.min(Math.max(0, seconds), MAX_REPORTED_RETRY_AFTER_SECONDS);
}
