/**
 * The classic OAuth / access-token scope a `/2.0` request needs ("Scopes for the Bitbucket Cloud REST API",
 * developer.atlassian.com/cloud/bitbucket/rest/intro/#scopes), by resource family: reads need the family's scope,
 * writes its `:write` scope. The table is read from the top; the first matching pattern wins.
 */
const FAMILIES: ReadonlyArray<{ pattern: RegExp; scope: string }> = [
  { pattern: /^\/user(?:\/|$)/, scope: 'account' },
  { pattern: /^\/workspaces\/[^/]+\/projects(?:\/|$)/, scope: 'project' },
  { pattern: /^\/workspaces\/[^/]+\/hooks(?:\/|$)/, scope: 'webhook' },
  { pattern: /^\/workspaces\/[^/]+\/pullrequests(?:\/|$)/, scope: 'pullrequest' },
  { pattern: /^\/workspaces(?:\/|$)/, scope: 'account' },
  { pattern: /^\/repositories\/[^/]+\/[^/]+\/pullrequests(?:\/|$)/, scope: 'pullrequest' },
  { pattern: /^\/repositories\/[^/]+\/[^/]+\/(?:pipelines|environments|deployments)(?:\/|$)/, scope: 'pipeline' },
  { pattern: /^\/repositories\/[^/]+\/[^/]+\/hooks(?:\/|$)/, scope: 'webhook' },
  { pattern: /^\/repositories(?:\/|$)/, scope: 'repository' },
];

/**
 * What each scope implies, per the same page: `repository:write` implies `repository`; `pullrequest` implies
 * `repository`; `pullrequest:write` implies `pullrequest` and `repository:write`; each `:write` implies its read.
 */
const IMPLIES: Readonly<Record<string, readonly string[]>> = {
  'repository:write': ['repository'],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest', 'repository:write', 'repository'],
  'pipeline:write': ['pipeline'],
  'project:write': ['project'],
  'account:write': ['account'],
};

/** The scope `method path` needs (`path` below `/2.0`), or undefined for a path outside every family. */
export function requiredScope(method: string, path: string): string | undefined {
  const family = FAMILIES.find(({ pattern }) => pattern.test(path));
  if (!family) return undefined;
  const reads = method === 'GET' || method === 'HEAD';
  return reads ? family.scope : `${family.scope}:write`;
}

/** Whether `granted` covers `required`, directly or through an implied scope. */
export function scopeGranted(granted: readonly string[], required: string): boolean {
  return granted.some((scope) => scope === required || (IMPLIES[scope] ?? []).includes(required));
}
