import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

/** The Accept-Encoding we send: Bitbucket compresses JSON pages, which are large at pagelen 50-100. */
export const ACCEPTED_ENCODINGS = 'gzip, deflate';

/**
 * Undoes Content-Encoding. `maxBytes` bounds the decoded size as well, so a small compressed body cannot expand
 * without limit. Rejects on an unknown encoding or corrupt data; the caller reports that as a bad response.
 */
export async function decodeBody(contentEncoding: string | undefined, body: Buffer, maxBytes: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '' || body.length === 0) return body;
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzip(body, { maxOutputLength: maxBytes });
  if (encoding === 'deflate') return inflate(body, { maxOutputLength: maxBytes });
  throw new Error(`unsupported Content-Encoding "${encoding}"`);
}
