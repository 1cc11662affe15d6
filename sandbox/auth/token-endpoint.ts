import type { Request, RequestHandler } from 'express';
import type { SandboxOAuthConsumer } from '../identities';
import type { SandboxOptions } from '../options';
import { findConsumer } from './oauth-consumers';
import { OAuthError } from './oauth-error';
import { parseAuthorization } from './parse-authorization';
import type { IssuedTokens, OAuthGrant, TokenStore } from './token-store';

/**
 * `POST /site/oauth2/access_token`, form-encoded (RFC 6749 §3.2). The client authenticates with HTTP Basic
 * `client_id:secret` (Bitbucket's documented way) or with `client_id`/`client_secret` form fields (RFC 6749 §2.3.1).
 *
 * The answer follows Bitbucket's: `{access_token, scopes, expires_in, refresh_token, token_type: "bearer", state}`,
 * where `scopes` is one space-separated string and `state` repeats the grant type, e.g. "authorization_code"
 * (responses quoted in terrakube-io/terrakube#47 and Atlassian community question 1545002).
 */
interface GrantContext {
  consumer: SandboxOAuthConsumer;
  form: Record<string, string | undefined>;
  accessTokenTtlSeconds: number;
  tokens: TokenStore;
}

type GrantHandler = (context: GrantContext) => IssuedTokens;

/** The grants Bitbucket supports, as data; anything else is `unsupported_grant_type`. */
const GRANTS: Record<string, GrantHandler> = {
  // RFC 6749 §4.1.3.
  authorization_code: ({ consumer, form, accessTokenTtlSeconds, tokens: store }) => {
    const code = form.code;
    if (!code) throw new OAuthError('code-missing');
    const redemption = store.redeemAuthorizationCode(code, consumer.clientId, form.redirect_uri);
    if (!redemption.ok) throw new OAuthError(redemption.reason === 'redirect-mismatch' ? 'redirect-uri-mismatch' : 'code-invalid');
    const tokens = store.issueTokens(redemption.grant, accessTokenTtlSeconds);
    redemption.bindTokens(tokens);
    return tokens;
  },
  // RFC 6749 §6; Bitbucket rotates the refresh token on every use.
  refresh_token: ({ consumer, form, accessTokenTtlSeconds, tokens: store }) => {
    const tokens = form.refresh_token ? store.rotateRefreshToken(form.refresh_token, consumer.clientId, accessTokenTtlSeconds) : undefined;
    if (!tokens) throw new OAuthError('refresh-token-invalid');
    return tokens;
  },
  // RFC 6749 §4.4: the token acts as the consumer's owner; private consumers only (Bitbucket "Use OAuth...").
  client_credentials: ({ consumer, accessTokenTtlSeconds, tokens }) => {
    if (!consumer.isPrivate) throw new OAuthError('client-credentials-not-private');
    const grant: OAuthGrant = { clientId: consumer.clientId, userUuid: consumer.ownerUuid, scopes: [...consumer.scopes] };
    return tokens.issueTokens(grant, accessTokenTtlSeconds);
  },
};

export function createTokenEndpoint(options: SandboxOptions, store: TokenStore): RequestHandler {
  return (req, res) => {
    // RFC 6749 §5.1: token responses must not be cached.
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    try {
      const form = formFields(req);
      const consumer = authenticateClient(req, form);
      const grantType = form.grant_type;
      if (!grantType) throw new OAuthError('grant-type-missing');
      const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
      if (!grant) throw new OAuthError('grant-type-unsupported', grantType);
      const tokens = grant({ consumer, form, accessTokenTtlSeconds: options.accessTokenTtlSeconds, tokens: store });
      res.status(200).json({
        access_token: tokens.accessToken,
        scopes: tokens.scopes.join(' '),
        expires_in: tokens.expiresInSeconds,
        refresh_token: tokens.refreshToken,
        token_type: 'bearer',
        state: grantType,
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      res.status(error.status).json(error.toBody());
    }
  };
}

function formFields(req: Request): Record<string, string | undefined> {
  const body: unknown = req.body;
  const fields: Record<string, string | undefined> = {};
  if (body && typeof body === 'object') {
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string') fields[name] = value;
    }
  }
  return fields;
}

function authenticateClient(req: Request, form: Record<string, string | undefined>): SandboxOAuthConsumer {
  const header = parseAuthorization(req.get('authorization'));
  const [clientId, clientSecret] = header.scheme === 'basic' ? [header.username, header.password] : [form.client_id, form.client_secret];
  if (clientId === undefined || clientId === '' || clientSecret === undefined) throw new OAuthError('client-authentication-missing');
  const consumer = findConsumer(clientId);
  if (!consumer || consumer.clientSecret !== clientSecret) throw new OAuthError('client-authentication-invalid');
  return consumer;
}
