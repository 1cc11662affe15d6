/**
 * The credential settings are validated at start with messages that say what to fix; secrets may come from files;
 * the `Secure` cookie attribute follows PUBLIC_URL / COOKIE_SECURE.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { startStack } from '../helpers/stack';
import { SIGN_IN_ENV } from './sign-in-stack';

const KEY = 'k'.repeat(32);

test.each([
  { env: { OAUTH_CLIENT_ID: 'id' }, message: 'OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET go together' },
  { env: { OAUTH_CALLBACK_URL: 'https://odata.example.com/auth/callback' }, message: 'OAUTH_CALLBACK_URL is set but OAUTH_CLIENT_ID is not' },
  { env: { ...SIGN_IN_ENV, OAUTH_CALLBACK_URL: 'not a url' }, message: 'OAUTH_CALLBACK_URL="not a url" is not a URL' },
  { env: { SESSION_KEYS: `${KEY},short` }, message: 'SESSION_KEYS: key 2 is shorter than 32 characters' },
  { env: { SESSION_KEYS: KEY, COOKIE_KEYS: KEY }, message: 'SESSION_KEYS and COOKIE_KEYS are both set' },
  { env: { COOKIE_SECURE: 'yes' }, message: 'COOKIE_SECURE must be one of auto, always, never' },
  { env: { SERVICE_MODE: 'on' }, message: 'SERVICE_MODE="on" is not valid: give client_credentials, access_token or off' },
  { env: { SERVICE_MODE: 'client_credentials' }, message: 'SERVICE_MODE=client_credentials needs OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET' },
  { env: { SERVICE_MODE: 'access_token' }, message: 'SERVICE_MODE=access_token needs SERVICE_ACCESS_TOKEN' },
  { env: { BITBUCKET_OAUTH_URL: 'https://user:pw@bitbucket.org' }, message: 'BITBUCKET_OAUTH_URL must not carry credentials' },
  { env: { OAUTH_CLIENT_SECRET_FILE: '/no/such/file', OAUTH_CLIENT_ID: 'id' }, message: 'OAUTH_CLIENT_SECRET_FILE="/no/such/file" cannot be read (ENOENT)' },
])('$message', ({ env, message }) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});

test('settings from CONFIG_FILE and secrets from *_FILE; the environment wins over the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bbodata-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ OAUTH_CLIENT_ID: 'from-file', BITBUCKET_OAUTH_URL: 'https://bitbucket.example', SERVICE_MODE: 'client_credentials' }));
  writeFileSync(join(dir, 'secret'), 'the-secret\n');
  writeFileSync(join(dir, 'keys'), `${KEY}\n`);
  const config = loadConfig({ CONFIG_FILE: join(dir, 'config.json'), OAUTH_CLIENT_SECRET_FILE: join(dir, 'secret'), SESSION_KEYS_FILE: join(dir, 'keys'), BITBUCKET_OAUTH_URL: 'https://bitbucket.org' });
  expect(config.oauthClient).toEqual({ id: 'from-file', secret: 'the-secret' });
  expect(config.bitbucketOAuthUrl).toBe('https://bitbucket.org');
  expect(config.serviceMode).toEqual({ kind: 'client_credentials' });
  expect(config.cookieKeys).toHaveLength(1);
});

test('the callback URL defaults to PUBLIC_URL/auth/callback', () => {
  expect(loadConfig({ OAUTH_CLIENT_ID: 'id', OAUTH_CLIENT_SECRET: 's', PUBLIC_URL: 'https://odata.example.com' }).oauthCallbackUrl).toBe('https://odata.example.com/auth/callback');
});

test.each<{ env: Record<string, string>; secure: boolean }>([
  { env: {}, secure: false },
  { env: { PUBLIC_URL: 'https://odata.example.com' }, secure: true },
  { env: { COOKIE_SECURE: 'always' }, secure: true },
  { env: { PUBLIC_URL: 'https://odata.example.com', COOKIE_SECURE: 'never' }, secure: false },
])('cookies are Secure=$secure with $env', async ({ env, secure }) => {
  const stack = await startStack({ env: { ...SIGN_IN_ENV, ...env } });
  try {
    const response = await stack.request.get('/auth/login');
    expect(response.status).toBe(302);
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    expect(cookies).toHaveLength(1);
    expect(cookies[0].endsWith('; Secure')).toBe(secure);
  } finally {
    await stack.close();
  }
});

test('without an OAuth consumer, /auth/login says what to configure', async () => {
  const stack = await startStack();
  try {
    const response = await stack.request.get('/auth/login');
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain('OAUTH_CLIENT_ID');
  } finally {
    await stack.close();
  }
});
