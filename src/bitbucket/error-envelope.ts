/** The scopes a 403 names: what the resource requires and what the credential was granted. */
export interface ScopeShortfall {
  required: string[];
  granted: string[];
}

export interface UpstreamErrorBody {
  upstreamMessage?: string;
  fields?: Record<string, string[]>;
  /** A 403's object `detail` `{required, granted}`, kept as data so the gateway can name the missing scopes. */
  scopes?: ScopeShortfall;
}

/** Longest upstream text we carry into an error, so a proxy's page cannot flood the logs. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * Reads Bitbucket's error body. JSON errors use the envelope
 * `{"type":"error","error":{"message","detail","fields":{"src":["This field is required."]}}}`
 * ("Standardized error responses", developer.atlassian.com/cloud/bitbucket/rest/intro/). Rate-limit answers are
 * `text/plain` ("Rate limit for this resource has been exceeded", support.atlassian.com/bitbucket-cloud/docs/api-request-limits/), so plain text is kept too.
 * HTML pages (a proxy's 502) and anything else unreadable give an empty result.
 */
export function readErrorBody(contentType: string | undefined, body: Buffer): UpstreamErrorBody {
  const text = body.toString('utf8');
  const envelope = parseEnvelope(text);
  if (envelope !== undefined) return envelope;
  if (contentType !== undefined && /^text\/plain\b/i.test(contentType) && text.trim() !== '') {
    return { upstreamMessage: clip(text.trim()) };
  }
  return {};
}

function parseEnvelope(text: string): UpstreamErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed.error)) return undefined;
  const { message, detail, fields } = parsed.error;
  const texts = [message, detailText(detail)].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  const result: UpstreamErrorBody = {};
  if (texts.length > 0) result.upstreamMessage = clip(texts.join(': '));
  const fieldMessages = readFields(fields);
  if (fieldMessages !== undefined) result.fields = fieldMessages;
  const scopes = readScopes(detail);
  if (scopes !== undefined) result.scopes = scopes;
  return result;
}

/** `{"required": [...], "granted": [...]}` as data (sandbox quirk `forbidden-detail-object`); `granted` may be missing. */
function readScopes(detail: unknown): ScopeShortfall | undefined {
  if (!isRecord(detail) || !Array.isArray(detail.required)) return undefined;
  const names = (list: unknown): string[] => (Array.isArray(list) ? list.filter((name): name is string => typeof name === 'string') : []);
  return { required: names(detail.required), granted: names(detail.granted) };
}

/**
 * `error.detail` is usually text ("Required scopes: pullrequest. Granted: repository."), but real 403s also carry an
 * object: `{"required": ["read:user:bitbucket"], "granted": [...]}` for a missing scope (pingdotgg/t3code#6290,
 * backstage/backstage#22383) or `{"reason": "..."}`. Written out the way the text form says it, so the caller learns
 * which scope to add (client rule ER-02).
 */
function detailText(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (!isRecord(detail)) return undefined;
  const list = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined);
  const required = list(detail.required);
  const granted = list(detail.granted);
  const parts: string[] = [];
  if (required !== undefined) parts.push(`Required scopes: ${required.join(', ') || 'none'}.`);
  if (granted !== undefined) parts.push(`Granted: ${granted.join(', ') || 'none'}.`);
  if (typeof detail.reason === 'string') parts.push(detail.reason);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

// Bitbucket documents `fields` as name → list of messages; a lone string is accepted as a list of one.
function readFields(fields: unknown): Record<string, string[]> | undefined {
  if (!isRecord(fields)) return undefined;
  const result: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(fields)) {
    if (typeof messages === 'string') result[name] = [messages];
    else if (Array.isArray(messages)) result[name] = messages.filter((m): m is string => typeof m === 'string');
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}
