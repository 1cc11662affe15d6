/**
 * The console's calls to its own gateway. The credential is whatever the API itself accepts: the session cookie
 * (HttpOnly, SameSite=Lax; the browser sends it), service mode (nothing to send), or an Atlassian API token the user
 * pasted, held in this module's memory only (never in storage, never shown again) and sent as `Authorization: Basic`.
 */

export interface ConsoleConfig {
  serviceRoot: string;
  bitbucketSignIn: boolean;
  serviceMode: boolean;
  connector: { definition: string; properties: string };
  pbids: string;
}

/** An answer that was not a success, with the OData error's own message (OData JSON Format §21). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

let authorization: string | undefined;

/** Base64 of UTF-8 bytes: `btoa` alone accepts only Latin-1 (RFC 7617 §2.1 lets the charset be UTF-8). */
function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function useApiToken(email: string, token: string): void {
  authorization = `Basic ${base64Utf8(`${email}:${token}`)}`;
}

export function forgetApiToken(): void {
  authorization = undefined;
}

export function usingApiToken(): boolean {
  return authorization !== undefined;
}

export interface ApiAnswer<T> {
  body: T;
  headers: Headers;
  status: number;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed.error;
    if (error && typeof error.message === 'string') {
      const details = Array.isArray(error.details) ? error.details.map((detail: { message?: unknown }) => (typeof detail?.message === 'string' ? detail.message : '')).filter(Boolean) : [];
      return new ApiError(response.status, error.message, typeof error.code === 'string' ? error.code : undefined, details);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, `${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

export async function getJson<T>(url: string, extraHeaders: Record<string, string> = {}): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
  if (authorization) headers.Authorization = authorization;
  let response: Response;
  try {
    response = await fetch(url, { headers, credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(0, `The gateway did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw await errorOf(response);
  return { body: (await response.json()) as T, headers: response.headers, status: response.status };
}

export async function signOutOfSession(): Promise<void> {
  // State-changing, so POST: same-origin fetch sends Sec-Fetch-Site: same-origin, which the gateway's CSRF check accepts.
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
}

export async function loadConfig(): Promise<ConsoleConfig> {
  return (await getJson<ConsoleConfig>('/console/config.json')).body;
}
