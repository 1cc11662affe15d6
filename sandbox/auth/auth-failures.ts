import type { Response } from 'express';
import { SandboxHttpError } from '../bitbucket-error';

/**
 * Every way authentication of an API request fails, with what Bitbucket Cloud answers. All are 401.
 *
 * - Bad Basic credentials: a text/plain body, not the JSON envelope (seen in GearPlug/bitbucket-python#10 and
 *   renovatebot/renovate#20533), and `WWW-Authenticate: Basic realm="Bitbucket.org HTTP"` (Atlassian KB "Getting 401
 *   HTTP error when using Basic authentication with Bitbucket Cloud REST APIs").
 * - Retired app passwords: 401 since 2026-07-28 (community article 3237429, "brownout schedule"). Atlassian's exact
 *   wording after removal is not on record; the text below follows the plain-text notice Bitbucket used when it retired
 *   account passwords for Basic auth in 2022 (afragen/git-updater#997), adapted to API tokens. Clients must not parse it.
 * - Bearer tokens: the JSON error envelope. Expired OAuth tokens say "Access token expired. Use your refresh token to
 *   obtain a new access token." (swoodford/migrate_bitbucket_server_to_bitbucket_cloud#1); unknown or revoked tokens
 *   say "Token is invalid, expired, or not supported for this endpoint." (avivsinai/bitbucket-cli#174).
 */
export type AuthFailure = 'bad-basic-credentials' | 'app-password-retired' | 'malformed-authorization' | 'invalid-token' | 'expired-token';

const BASIC_CHALLENGE = 'Basic realm="Bitbucket.org HTTP"';

const LOGIN_FAILED_TEXT = [
  'Login failed due to incorrect login credentials or method.',
  'For information on authentication methods for Bitbucket Cloud APIs, visit:',
  '    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication',
  'If you are unsure of which login details or login method to use, visit:',
  '    https://support.atlassian.com/bitbucket-cloud/docs/log-into-or-connect-to-bitbucket-cloud/',
  '',
].join('\n');

const APP_PASSWORD_RETIRED_TEXT = [
  'Bitbucket Cloud no longer supports app passwords for API authentication.',
  'Use an API token with your Atlassian account email as the username:',
  '    https://support.atlassian.com/bitbucket-cloud/docs/api-tokens/',
  'For more details on API authentication methods see our documentation:',
  '    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication',
  '',
].join('\n');

interface FailureAnswer {
  body: { text: string } | { error: SandboxHttpError };
}

const FAILURES: Record<AuthFailure, FailureAnswer> = {
  'bad-basic-credentials': { body: { text: LOGIN_FAILED_TEXT } },
  'malformed-authorization': { body: { text: LOGIN_FAILED_TEXT } },
  'app-password-retired': { body: { text: APP_PASSWORD_RETIRED_TEXT } },
  'invalid-token': { body: { error: new SandboxHttpError(401, 'Token is invalid, expired, or not supported for this endpoint.') } },
  'expired-token': { body: { error: new SandboxHttpError(401, 'Access token expired. Use your refresh token to obtain a new access token.') } },
};

export function sendAuthFailure(res: Response, failure: AuthFailure): void {
  const answer = FAILURES[failure];
  res.status(401).set('WWW-Authenticate', BASIC_CHALLENGE);
  if ('text' in answer.body) {
    res.type('text/plain; charset=utf-8').send(answer.body.text);
  } else {
    res.json(answer.body.error.toBody());
  }
}
