/**
 * The sandbox's fixed, documented identities: the only accounts that can authenticate.
 * The seed generates many more users (authors, reviewers, members), but these are the ones a demo, a test or a
 * benchmark signs in as. Every secret here is a public demo value; the environment may override the demo user's.
 */
export interface SandboxIdentity {
  uuid: string; // braced, as Bitbucket serialises it
  accountId: string;
  displayName: string;
  nickname: string;
  email: string;
  /** Atlassian API token: Basic auth with `email:apiToken`. */
  apiToken: string;
  /** A long-lived OAuth-style Bearer token pre-issued for this user (never expires; revocable via /_sandbox). */
  bearerToken: string;
}

export interface SandboxOAuthConsumer {
  clientId: string;
  clientSecret: string;
  /** The consumer's owner: client_credentials tokens act as this user. */
  ownerUuid: string;
  callbackUrl: string;
  /** Private consumers may use client_credentials. */
  isPrivate: boolean;
  scopes: string[];
}

export const DEMO_USER: SandboxIdentity = {
  uuid: '{5e0d8a1c-0b6f-4a4e-9c53-6d0f0a7e1d01}',
  accountId: '712020:5e0d8a1c-demo-user',
  displayName: 'Demo User',
  nickname: 'demo',
  email: process.env.SANDBOX_DEMO_EMAIL ?? 'demo@example.com',
  apiToken: process.env.SANDBOX_DEMO_API_TOKEN ?? 'ATATT-demo-api-token',
  bearerToken: process.env.SANDBOX_DEMO_TOKEN ?? 'demo-bearer-token',
};

/** A second account that belongs to only one workspace: private data of the other must stay invisible to it. */
export const OTHER_USER: SandboxIdentity = {
  uuid: '{9b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a02}',
  accountId: '712020:9b1c2d3e-other-user',
  displayName: 'Olga Other',
  nickname: 'olga',
  email: 'olga@example.com',
  apiToken: 'ATATT-olga-api-token',
  bearerToken: 'olga-bearer-token',
};

export const IDENTITIES: readonly SandboxIdentity[] = [DEMO_USER, OTHER_USER];

/** A retired app password for the demo user: Bitbucket answers it with 401 since 2026-07-28. */
export const DEMO_APP_PASSWORD = 'demo-app-password';

export const DEMO_OAUTH_CONSUMER: SandboxOAuthConsumer = {
  clientId: process.env.SANDBOX_OAUTH_CLIENT_ID ?? 'demo-client-id',
  clientSecret: process.env.SANDBOX_OAUTH_CLIENT_SECRET ?? 'demo-client-secret',
  ownerUuid: DEMO_USER.uuid,
  callbackUrl: process.env.SANDBOX_OAUTH_CALLBACK_URL ?? 'http://localhost:8080/auth/callback',
  isPrivate: true,
  scopes: ['account', 'project', 'repository', 'repository:write', 'pullrequest', 'pullrequest:write', 'pipeline', 'webhook'],
};

/** The two seeded workspaces: the demo user is a member of both, the other user only of the second. */
export const WORKSPACE_SLUGS = ['acme-dev', 'blue-harbor'] as const;

/**
 * Granular scopes of the demo users' Atlassian API tokens (Basic `email:apiToken`). Granular scopes do not imply one
 * another (Bitbucket "API tokens" docs), so read and write are both listed where both are granted.
 */
export const API_TOKEN_SCOPES: readonly string[] = [
  'read:user:bitbucket',
  'read:workspace:bitbucket',
  'read:project:bitbucket',
  'read:repository:bitbucket',
  'write:repository:bitbucket',
  'read:pullrequest:bitbucket',
  'write:pullrequest:bitbucket',
  'read:pipeline:bitbucket',
  'read:webhook:bitbucket',
];

/**
 * A second, non-private OAuth consumer: the authorization-code flow works for it, client_credentials does not
 * (only private consumers may use that grant; Bitbucket "Use OAuth on Bitbucket Cloud").
 */
export const PUBLIC_OAUTH_CONSUMER: SandboxOAuthConsumer = {
  clientId: 'public-client-id',
  clientSecret: 'public-client-secret',
  ownerUuid: DEMO_USER.uuid,
  callbackUrl: 'http://localhost:8080/public/callback',
  isPrivate: false,
  scopes: ['account', 'repository', 'pullrequest'],
};

export const OAUTH_CONSUMERS: readonly SandboxOAuthConsumer[] = [DEMO_OAUTH_CONSUMER, PUBLIC_OAUTH_CONSUMER];

/**
 * A workspace, project or repository access token (Bearer). It belongs to the resource, not to a user, and acts as a
 * bot "user" of its own (Bitbucket "Access tokens" docs), so it carries that bot's identity.
 */
export interface SandboxAccessToken {
  /** Stable id: rate-limit budgets and logs name the token by it, never by its secret. */
  id: string;
  token: string;
  kind: 'workspace' | 'project' | 'repository';
  restrictTo: { workspace: string; repository?: string };
  botUuid: string;
  botDisplayName: string;
  scopes: string[];
  /**
   * Whether the sandbox refuses this token's requests outside its `scopes` (403, sandbox/auth/check-scopes.ts). Off
   * for the long-standing credentials, whose specs predate scope checks; on for the narrow token below.
   */
  checksScopes?: true;
}

/** A workspace access token for `acme-dev`: it sees every repository in that workspace and nothing elsewhere. */
export const WORKSPACE_ACCESS_TOKEN: SandboxAccessToken = {
  id: 'wat-acme-dev',
  token: process.env.SANDBOX_WORKSPACE_ACCESS_TOKEN ?? 'acme-dev-workspace-access-token',
  kind: 'workspace',
  restrictTo: { workspace: 'acme-dev' },
  botUuid: '{3a7c5e90-1b2d-4c3e-8f4a-5b6c7d8e9f03}',
  botDisplayName: 'acme-dev workspace token',
  scopes: ['account', 'project', 'repository', 'pullrequest', 'pipeline', 'webhook'],
};

/**
 * A repository access token for one repository of `acme-dev`: `platform-api`, the first name in the seed's
 * ACME_REPOSITORY_NAMES (sandbox/seed/vocabulary.ts); keep the two in step.
 */
export const REPOSITORY_ACCESS_TOKEN: SandboxAccessToken = {
  id: 'rat-acme-dev-platform-api',
  token: process.env.SANDBOX_REPOSITORY_ACCESS_TOKEN ?? 'acme-dev-platform-api-repository-access-token',
  kind: 'repository',
  restrictTo: { workspace: 'acme-dev', repository: 'platform-api' },
  botUuid: '{6d8e0f12-3a4b-4c5d-9e6f-7a8b9c0d1e04}',
  botDisplayName: 'platform-api repository token',
  scopes: ['repository', 'pullrequest', 'pipeline'],
};

/**
 * A repository access token for `acme-dev/platform-api` with the `repository` scope only, whose scopes the sandbox
 * checks: reading the repository works, its pull requests (scope `pullrequest`) or pipelines (`pipeline`) answer 403
 * "Your credentials lack one or more required privilege scopes." This is how a test reaches that 403.
 */
export const NARROW_REPOSITORY_ACCESS_TOKEN: SandboxAccessToken = {
  id: 'rat-acme-dev-platform-api-repository-only',
  token: process.env.SANDBOX_NARROW_ACCESS_TOKEN ?? 'acme-dev-platform-api-repository-only-access-token',
  kind: 'repository',
  restrictTo: { workspace: 'acme-dev', repository: 'platform-api' },
  botUuid: '{8f0a2b14-5c6d-4e7f-a081-92a3b4c5d605}',
  botDisplayName: 'platform-api repository-only token',
  scopes: ['repository'],
  checksScopes: true,
};

export const ACCESS_TOKENS: readonly SandboxAccessToken[] = [WORKSPACE_ACCESS_TOKEN, REPOSITORY_ACCESS_TOKEN, NARROW_REPOSITORY_ACCESS_TOKEN];
