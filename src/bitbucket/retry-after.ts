/** The longest Retry-After we report; anything longer is clamped (a day is already "come back much later"). */
export const MAX_REPORTED_RETRY_AFTER_SECONDS = 86_400;

// RFC 9110 §10.2.3: Retry-After = HTTP-date / delay-seconds. HTTP-dates start with a day name (IMF-fixdate,
// the obsolete RFC 850 and asctime forms, RFC 9110 §5.6.7); requiring that keeps Date.parse from reading "1.5" as a date.
const DELAY_SECONDS = /^\d+$/;
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

/** Seconds to wait from a Retry-After header value, or undefined when it is absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Math.min(Number(text), MAX_REPORTED_RETRY_AFTER_SECONDS);
  if (!HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - nowMs) / 1000)), MAX_REPORTED_RETRY_AFTER_SECONDS);
}
