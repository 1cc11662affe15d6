import type { RunningSandbox } from '../../../sandbox/app';
import { ACCESS_TOKENS, DEMO_USER, OTHER_USER } from '../../../sandbox/identities';

/** Who a spec acts as: Bearer tokens from sandbox/identities.ts. */
export const AS = {
  demo: { authorization: `Bearer ${DEMO_USER.bearerToken}` },
  olga: { authorization: `Bearer ${OTHER_USER.bearerToken}` },
  workspaceToken: { authorization: `Bearer ${ACCESS_TOKENS.find((t) => t.kind === 'workspace')!.token}` },
  repositoryToken: { authorization: `Bearer ${ACCESS_TOKENS.find((t) => t.kind === 'repository')!.token}` },
  anonymous: {},
} as const;

export type Who = keyof typeof AS;

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A request to the sandbox's `/2.0` with a JSON body (a string is sent as it is, for malformed bodies). */
export async function call(sandbox: RunningSandbox, method: string, path: string, body?: unknown, who: Who = 'demo'): Promise<Answer> {
  const headers: Record<string, string> = { ...AS[who] };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sandbox.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

export const get = (sandbox: RunningSandbox, path: string, who: Who = 'demo') => call(sandbox, 'GET', path, undefined, who);

/** The Bitbucket error envelope's message and fields, for asserting refusals. */
export function errorOf(answer: Answer): { message: string; fields?: Record<string, string[]>; detail?: string } {
  expect(answer.body.type).toBe('error');
  return answer.body.error as { message: string; fields?: Record<string, string[]>; detail?: string };
}

export async function resetSandbox(sandbox: RunningSandbox): Promise<void> {
  await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
}

export const REPO = '/repositories/acme-dev/platform-api';
