import { randomBytes } from 'node:crypto';
import { CookieSealer } from '../../src/credentials/cookie-sealer';

const [oldKey, newKey, otherKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
const payload = { id: 'session-1', tokens: { accessToken: 'access-secret-value', expiresAt: 1 } };

test('what one sealer seals it opens, and the sealed text does not show the payload', () => {
  const sealer = new CookieSealer([newKey]);
  const sealed = sealer.seal('session', payload);
  expect(sealer.open('session', sealed)).toEqual(payload);
  expect(sealed).not.toContain('access-secret-value');
  expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('access-secret-value');
  expect(sealer.seal('session', payload)).not.toBe(sealed); // a fresh nonce each time
});

test('rotation: the newest key seals, older keys still open', () => {
  const sealedWithOld = new CookieSealer([oldKey]).seal('session', payload);
  const rotated = new CookieSealer([newKey, oldKey]);
  expect(rotated.open('session', sealedWithOld)).toEqual(payload);
  expect(new CookieSealer([newKey]).open('session', rotated.seal('session', payload))).toEqual(payload);
});

const sealed = new CookieSealer([newKey]).seal('session', payload);
test.each([
  { case: 'a flipped byte', value: sealed.slice(0, 10) + (sealed[10] === 'A' ? 'B' : 'A') + sealed.slice(11), keys: [newKey], purpose: 'session' as const },
  { case: 'truncated', value: sealed.slice(0, -2), keys: [newKey], purpose: 'session' as const },
  { case: 'another version', value: 'v2' + sealed.slice(2), keys: [newKey], purpose: 'session' as const },
  { case: 'a key not configured', value: sealed, keys: [otherKey], purpose: 'session' as const },
  { case: 'another purpose', value: sealed, keys: [newKey], purpose: 'oauth-state' as const },
  { case: 'empty', value: '', keys: [newKey], purpose: 'session' as const },
  { case: 'extra dots', value: sealed + '.x', keys: [newKey], purpose: 'session' as const },
])('$case does not open', ({ value, keys, purpose }) => {
  expect(new CookieSealer(keys).open(purpose, value)).toBeUndefined();
});

test('keys must be 32 bytes', () => {
  expect(() => new CookieSealer([])).toThrow(RangeError);
  expect(() => new CookieSealer([randomBytes(16)])).toThrow(RangeError);
});
