/**
 * Sealed cookies: the payload is encrypted and authenticated with AES-256-GCM (NIST SP 800-38D), so a browser can
 * carry the session and no replica needs a store, while nobody can read or alter what it carries. The first key
 * seals, every key opens: rotating is prepending a new key and dropping the oldest later. The purpose (`session`,
 * `oauth-state`, `gateway-key`, `gateway-key-tokens`) is authenticated too, so a value sealed for one purpose does not
 * open for another.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM nonce length SP 800-38D recommends
const TAG_BYTES = 16;

export type SealPurpose = 'session' | 'oauth-state' | 'gateway-key' | 'gateway-key-tokens';

export class CookieSealer {
  readonly #keys: readonly Buffer[];

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0 || keys.some((key) => key.length !== 32)) throw new RangeError('CookieSealer needs one or more 32-byte keys.');
    this.#keys = keys;
  }

  seal(purpose: SealPurpose, payload: unknown): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0], iv);
    cipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The payload, or undefined when the value was not sealed by one of the keys for this purpose (or was altered). */
  open(purpose: SealPurpose, sealed: string): unknown {
    const [version, data, extra] = sealed.split('.');
    if (version !== VERSION || !data || extra !== undefined) return undefined;
    const bytes = Buffer.from(data, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES + 1) return undefined;
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const ciphertext = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    for (const key of this.#keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
        return JSON.parse(plain) as unknown;
      } catch {
        // Not this key (or altered): GCM's tag check failed; try the next key.
      }
    }
    return undefined;
  }
}
