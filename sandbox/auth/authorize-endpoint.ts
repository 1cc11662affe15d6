import type { Request, RequestHandler, Response } from 'express';
import { DEMO_USER, IDENTITIES, type SandboxIdentity } from '../identities';
import { findConsumer, isRedirectAllowed } from './oauth-consumers';
import type { TokenStore } from './token-store';

/**
 * `GET /site/oauth2/authorize?client_id&response_type=code&state&redirect_uri?&scope?` (RFC 6749 §4.1.1).
 *
 * The sandbox has no login page: it approves at once as the demo user, or as another account named by the
 * sandbox-only `sandbox_user=<nickname>` parameter (e.g. `sandbox_user=olga`), and redirects (302) to the consumer's
 * callback with `code` and the unchanged `state`. The account is a fixed identity or, when the app passes
 * `findSeededUser`, any user of the seed: a seeded user has no password or token of its own, so signing in here is
 * the only way a client acts as one (a benchmark installs blue-harbor's workspace webhook as its owner, who is a
 * generated user; Bitbucket lets only owners do that).
 *
 * An unknown client or a redirect_uri outside the registered callback is not redirected (RFC 6749 §4.1.2.1): Bitbucket
 * shows a 400 page "Invalid client_id" / "Invalid redirect_uri" with "This integration is misconfigured. Contact the
 * vendor for assistance." (rbansal42/bitbucket-cli#50; Stack Overflow 31098096). Every other error is redirected to
 * the callback as `error` + `error_description` (§4.1.2.1).
 */
export function createAuthorizeEndpoint(tokens: TokenStore, findSeededUser?: (nickname: string) => { uuid: string } | undefined): RequestHandler {
  return (req, res) => {
    const consumer = findConsumer(queryValue(req, 'client_id'));
    if (!consumer) {
      sendMisconfiguredPage(res, 'Invalid client_id');
      return;
    }
    const requestedRedirect = queryValue(req, 'redirect_uri');
    if (requestedRedirect !== undefined && !isRedirectAllowed(consumer, requestedRedirect)) {
      sendMisconfiguredPage(res, 'Invalid redirect_uri');
      return;
    }
    const callback = new URL(requestedRedirect ?? consumer.callbackUrl);
    const state = queryValue(req, 'state');
    const redirectWith = (params: Record<string, string>): void => {
      for (const [name, value] of Object.entries(params)) callback.searchParams.set(name, value);
      if (state !== undefined) callback.searchParams.set('state', state);
      res.redirect(302, callback.toString());
    };

    const responseType = queryValue(req, 'response_type');
    if (responseType !== 'code') {
      // Implicit grant (response_type=token) is "no longer supported" (REST intro, "OAuth 2.0").
      redirectWith({
        error: responseType === undefined ? 'invalid_request' : 'unsupported_response_type',
        error_description: responseType === undefined ? 'Missing response_type: use response_type=code' : `Unsupported response_type "${responseType}": only response_type=code is supported`,
      });
      return;
    }

    const requestedScopes = (queryValue(req, 'scope') ?? '').split(/[\s,]+/).filter((scope) => scope !== '');
    const unknownScopes = requestedScopes.filter((scope) => !consumer.scopes.includes(scope));
    if (unknownScopes.length > 0) {
      redirectWith({ error: 'invalid_scope', error_description: `The consumer has no permission for: ${unknownScopes.join(' ')}` });
      return;
    }

    const user = signedInUser(queryValue(req, 'sandbox_user'), findSeededUser);
    if (!user) {
      const others = findSeededUser ? ' or the nickname of a seeded user' : '';
      res.status(400).type('text/plain; charset=utf-8').send(`Unknown sandbox_user: use one of ${IDENTITIES.map((identity) => identity.nickname).join(', ')}${others}\n`);
      return;
    }
    const scopes = requestedScopes.length > 0 ? requestedScopes : [...consumer.scopes];
    const code = tokens.issueAuthorizationCode({ clientId: consumer.clientId, userUuid: user.uuid, scopes }, requestedRedirect);
    redirectWith({ code });
  };
}

function signedInUser(nickname: string | undefined, findSeededUser?: (nickname: string) => { uuid: string } | undefined): { uuid: string } | undefined {
  if (nickname === undefined) return DEMO_USER;
  return IDENTITIES.find((identity: SandboxIdentity) => identity.nickname === nickname) ?? findSeededUser?.(nickname);
}

function queryValue(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function sendMisconfiguredPage(res: Response, headline: string): void {
  const advice = 'This integration is misconfigured. Contact the vendor for assistance.';
  res.status(400).format({
    'text/html': () => {
      res.send(`<!DOCTYPE html>\n<html><head><title>${headline}</title></head><body><h1>${headline}</h1><p>${advice}</p></body></html>\n`);
    },
    'application/json': () => {
      res.json({ error: 'invalid_request', error_description: `${headline}. ${advice}` });
    },
    default: () => {
      res.type('text/plain; charset=utf-8').send(`${headline}\n${advice}\n`);
    },
  });
}
