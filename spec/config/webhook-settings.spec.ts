/**
 * WEBHOOK_SECRET, WEBHOOK_WORKSPACES, WEBHOOK_TRUST_SECONDS (src/config.ts): off when unset, refused when the secret
 * is short or missing for the other two, and the trust time bounded.
 */
import { ConfigError, loadConfig } from '../../src/config';

const SECRET = 'sixteen-chars-ok';

test('unset: no receiver, no trust (behaviour as before)', () => {
  expect(loadConfig({}).webhooks).toBeUndefined();
});

test.each([
  [{ WEBHOOK_SECRET: SECRET }, { secret: SECRET, workspaces: [], trustSeconds: 3600 }],
  [{ WEBHOOK_SECRET: SECRET, WEBHOOK_WORKSPACES: ' Acme-Dev, blue-harbor ,', WEBHOOK_TRUST_SECONDS: '600' }, { secret: SECRET, workspaces: ['acme-dev', 'blue-harbor'], trustSeconds: 600 }],
])('%j → %j', (env, expected) => {
  expect(loadConfig(env).webhooks).toEqual(expected);
});

test.each([
  [{ WEBHOOK_SECRET: 'fifteen-chars!!' }, /WEBHOOK_SECRET is shorter than 16 characters: a short secret can be guessed/],
  [{ WEBHOOK_WORKSPACES: 'acme-dev' }, /need WEBHOOK_SECRET/],
  [{ WEBHOOK_TRUST_SECONDS: '600' }, /need WEBHOOK_SECRET/],
  [{ WEBHOOK_SECRET: SECRET, WEBHOOK_TRUST_SECONDS: '59' }, /WEBHOOK_TRUST_SECONDS="59" is not valid: give a whole number from 60 to 86400/],
  [{ WEBHOOK_SECRET: SECRET, WEBHOOK_TRUST_SECONDS: '86401' }, /from 60 to 86400/],
  [{ WEBHOOK_SECRET: SECRET, WEBHOOK_WORKSPACES: 'acme dev' }, /"acme dev" is not a workspace ID/],
])('%j is refused', (env, message) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});
