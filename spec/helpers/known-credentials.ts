/**
 * Every fixed credential of the sandbox (sandbox/identities.ts), by name, and a search for them in text: log lines,
 * headers, links, cached values. Specs that meet issued tokens or cookies pass those in as `extra`.
 * `startStack().close()` runs it over every log line the gateway wrote, so each HTTP spec is also a leak check.
 */
import { ACCESS_TOKENS, DEMO_APP_PASSWORD, IDENTITIES, OAUTH_CONSUMERS } from '../../sandbox/identities';

export interface KnownCredential {
  /** What it is, for the failure message; never the value. */
  name: string;
  value: string;
}

const basic = (username: string, password: string) => Buffer.from(`${username}:${password}`).toString('base64');

export const KNOWN_CREDENTIALS: readonly KnownCredential[] = [
  ...IDENTITIES.flatMap((identity) => [
    { name: `${identity.nickname} API token`, value: identity.apiToken },
    { name: `${identity.nickname} bearer token`, value: identity.bearerToken },
    { name: `${identity.nickname} Basic header value`, value: basic(identity.email, identity.apiToken) },
  ]),
  ...OAUTH_CONSUMERS.flatMap((consumer) => [
    { name: `${consumer.clientId} secret`, value: consumer.clientSecret },
    { name: `${consumer.clientId} Basic header value`, value: basic(consumer.clientId, consumer.clientSecret) },
  ]),
  ...ACCESS_TOKENS.map((token) => ({ name: `${token.id} access token`, value: token.token })),
  { name: 'retired app password', value: DEMO_APP_PASSWORD },
];

/**
 * Credentials issued while a spec runs, recognised by their shape: gateway keys (src/credentials/gateway-keys.ts,
 * `bbok_` + a sealed value) are made by the gateway itself, so no list of values can name them in advance.
 */
export const CREDENTIAL_PATTERNS: readonly { name: string; pattern: RegExp }[] = [{ name: 'gateway key', pattern: /bbok_v1(\.|%2E)[\w-]{16,}/i }];

/** The credentials that occur in `text`, as given or percent-encoded, and any text shaped like an issued one. */
export function leakedCredentials(text: string, extra: readonly KnownCredential[] = []): KnownCredential[] {
  const known = [...KNOWN_CREDENTIALS, ...extra].filter(({ value }) => value.length >= 8 && (text.includes(value) || text.includes(encodeURIComponent(value))));
  const shaped = CREDENTIAL_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ name }) => ({ name, value: '(matched by its shape)' }));
  return [...known, ...shaped];
}
