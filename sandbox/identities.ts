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
