/**
 * Name-based UUIDs, version 5 (RFC 9562 §5.5; RFC 4122 §4.3): SHA-1 of a namespace UUID followed by the name's
 * UTF-8 bytes, the first 16 bytes kept, the version nibble set to 5 and the variant bits to 10. Deterministic (the
 * same name gives the same UUID on every replica, after every restart) and one-way: the name cannot be read back from
 * the UUID, which is why the Dataverse root keeps a reverse index (reverse-index.ts).
 *
 * Node's crypto has `randomUUID` (v4) but no name-based UUIDs; this is the whole algorithm, checked in
 * spec/dataverse/name-based-uuid.spec.ts against the RFC's own example.
 */
import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidBytes(uuid: string): Buffer {
  if (!UUID.test(uuid)) throw new Error(`Not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function nameBasedUuid(namespace: string, name: string): string {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(Buffer.from(name, 'utf8')).digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10 (RFC 9562 §4.1)
  return formatUuid(bytes);
}

/** A UUID in OData's `Edm.Guid` form (lower case, no braces), or undefined when `text` is not one. */
export function asGuid(text: string): string | undefined {
  const bare = text.replace(/^\{(.*)\}$/, '$1');
  return UUID.test(bare) ? bare.toLowerCase() : undefined;
}
