/**
 * What a clean answer is, for every reliability check: a 2xx/3xx; a 4xx with an OData error body whose message says
 * something (OData 4.01 JSON Format §21); a 501 NotImplemented with such a body (a documented refusal of a valid
 * request); Node's own bare 431 for a header section over its limit; or one of the documented upstream failures,
 * 502/503/504, with an OData error body. Anything else (a 500, a 5xx
 * without an OData error, an error without a message, no answer at all) is a problem, returned as a sentence.
 */
export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** The upstream failures the README documents: Bitbucket's trouble, passed on with its cause. */
export const UPSTREAM_FAILURE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** `{"error":{"code","message"}}` with a non-empty code and message, or why not. */
export function odataErrorProblem(answer: Answer): string | undefined {
  if (!/json/i.test(answer.contentType)) return `not JSON (${answer.contentType || 'no Content-Type'})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return 'a body that does not parse as JSON';
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error === undefined || error === null || typeof error !== 'object') return 'no "error" object';
  if (typeof error.code !== 'string' || error.code === '') return 'an error without a code';
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'an error without a message';
  return undefined;
}

export function answerProblem(answer: Answer): string | undefined {
  const { status } = answer;
  if (status < 400) return undefined;
  // Node's HTTP server refuses a header section over its limit (16 KiB: a very long URL) with a bare 431 before any
  // application code runs; src/app.ts counts on it. A protocol-level refusal, clean though not an OData body.
  if (status === 431 && answer.body === '') return undefined;
  const malformed = odataErrorProblem(answer);
  if (status < 500 || status === 501 || UPSTREAM_FAILURE_STATUSES.has(status)) {
    return malformed ? `${status} with ${malformed}: ${answer.body.slice(0, 200)}` : undefined;
  }
  return `${status} is not a documented answer: ${answer.body.slice(0, 300)}`;
}

/** Counts by status, printed as `200: 1234, 400: 567, …` in status order. */
export function formatStatusCounts(counts: ReadonlyMap<number | string, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}
