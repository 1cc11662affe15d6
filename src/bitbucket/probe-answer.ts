import { transportText } from './transport-text';

/**
 * Whether a base URL answers like Bitbucket Cloud's REST 2.0 root, judged from one anonymous `GET {base}/user`.
 * A base URL without `/2.0` (or one pointing at a proxy's login page) makes every call a 404 or an HTML page, which a
 * caller could read as "no rows"; one unauthenticated request tells it apart before any data is read.
 *
 * - `bitbucket`: Bitbucket answers /user without credentials with 401 and its JSON error envelope
 *   `{"type":"error","error":{"message":…}}` ("Standardized error responses", developer.atlassian.com/cloud/bitbucket/rest/intro/;
 *   the envelope is the shape, the message text is not relied on), or with 200 and a user object (`"type":"user"`)
 *   where anonymous access is somehow allowed. A 429 counts too: Bitbucket limits anonymous calls per IP (60/h), and
 *   a base URL that misses the API answers 404, not 429; treating it as not ready would lock the gateway out for as
 *   long as the anonymous budget stays spent.
 * - `unreachable`: no usable answer now (refused, reset, DNS, timeout, a truncated body, or a 502/503/504 from
 *   Bitbucket or a proxy in front of it): retry later, the configuration may be right.
 * - `failing`: Bitbucket is there but failing: any other 5xx, or a 502/503/504 in Bitbucket's own JSON error envelope.
 *   A server error says nothing against the base URL (a base URL that misses the API answers 404), so it is not
 *   `not-bitbucket`; `problem` carries the status and Bitbucket's message, and it is checked again soon.
 * - `not-bitbucket`: an answer that is not Bitbucket's (404, a redirect, HTML, JSON of another shape): check the base
 *   URL. `problem` names the URL and what came back, never a credential (none is sent).
 */
export type BitbucketProbeResult =
  | { kind: 'bitbucket'; url: string; status: number }
  | { kind: 'not-bitbucket'; url: string; status?: number; problem: string }
  | { kind: 'unreachable'; url: string; status?: number; problem: string }
  | { kind: 'failing'; url: string; status: number; problem: string };

/** What the single probe attempt came to (a reduced AttemptOutcome, with the body already decoded). */
export type ProbeAnswer =
  | { type: 'response'; status: number; contentType?: string; location?: string; body: Buffer | undefined }
  | { type: 'failed'; failure: 'timeout' | 'network' | 'truncated' | 'too-large'; code: string; timeoutMs: number; status?: number };

const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
const SNIPPET_LENGTH = 120;
const HINT = 'the base URL must be Bitbucket Cloud\'s REST 2.0 root, e.g. https://api.bitbucket.org/2.0';

export function classifyProbeAnswer(url: string, answer: ProbeAnswer): BitbucketProbeResult {
  const request = `GET ${url}`;
  if (answer.type === 'failed') {
    const withStatus = answer.status === undefined ? {} : { status: answer.status };
    switch (answer.failure) {
      case 'timeout':
        return { kind: 'unreachable', url, ...withStatus, problem: `${request} did not answer within ${answer.timeoutMs} ms (${answer.code})` };
      case 'network':
        return { kind: 'unreachable', url, problem: `${request} failed: ${transportText(answer.code)}` };
      case 'truncated':
        return { kind: 'unreachable', url, ...withStatus, problem: `${request}: the connection closed before the whole body arrived (${answer.code})` };
      case 'too-large':
        return { kind: 'not-bitbucket', url, ...withStatus, problem: `${request} answered with a body too large to be Bitbucket's answer (${answer.code}); ${HINT}` };
    }
  }
  const { status } = answer;
  const json = parseJson(answer.body);
  if (status === 401 && isRecord(json) && json.type === 'error' && isRecord(json.error)) return { kind: 'bitbucket', url, status };
  if (status === 200 && isRecord(json) && json.type === 'user') return { kind: 'bitbucket', url, status };
  if (status === 429) return { kind: 'bitbucket', url, status };
  const got = describeAnswer(answer, json);
  const message = bitbucketMessage(json);
  if (status >= 500 && status < 600 && (message !== undefined || !GATEWAY_STATUSES.has(status))) {
    return { kind: 'failing', url, status, problem: `${request} answered HTTP ${status}: ${message ?? got}` };
  }
  if (GATEWAY_STATUSES.has(status)) return { kind: 'unreachable', url, status, problem: `${request} answered ${got}` };
  const expected = 'Bitbucket answers 401 with its JSON error envelope {"type":"error","error":{…}}';
  return { kind: 'not-bitbucket', url, status, problem: `${request} answered ${got}, where ${expected}; ${HINT}` };
}

/** The message of Bitbucket's JSON error envelope `{"type":"error","error":{"message":…}}`, when the body is one. */
function bitbucketMessage(json: unknown): string | undefined {
  if (!isRecord(json) || json.type !== 'error' || !isRecord(json.error)) return undefined;
  const message = json.error.message;
  return typeof message === 'string' && message !== '' ? message.slice(0, SNIPPET_LENGTH) : 'Bitbucket\'s error envelope without a message';
}

/** "HTTP 404 with text/html: \"Not Found …\"", "HTTP 301 redirecting to …", "HTTP 200 with JSON that is not …". */
function describeAnswer(answer: Extract<ProbeAnswer, { type: 'response' }>, json: unknown): string {
  const status = `HTTP ${answer.status}`;
  if (answer.status >= 300 && answer.status < 400) return `${status} redirecting to ${answer.location ?? '(no Location)'}`;
  if (answer.body === undefined || answer.body.length === 0) return `${status} with an empty body`;
  const type = answer.contentType?.split(';', 1)[0]?.trim() || 'no Content-Type';
  if (json !== undefined) {
    const shape = isRecord(json) && typeof json.type === 'string' ? `JSON of type "${json.type}"` : 'JSON of another shape';
    return `${status} with ${shape} (${type})`;
  }
  return `${status} with ${type}: "${snippet(answer.body)}"`;
}

/** The body as one short line of text: tags dropped, whitespace collapsed, clipped. */
function snippet(body: Buffer): string {
  const text = body.toString('utf8').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH)}…` : text;
}

function parseJson(body: Buffer | undefined): unknown {
  if (body === undefined || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
