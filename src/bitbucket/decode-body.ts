import zlib from 'node:zlib';

/**
 * The Accept-Encoding we send: Bitbucket compresses JSON pages, which are large at pagelen 50-100 (a 100-commit page
 * of 39 KB travels as 6 KB, a full one of 243 KB as 17 KB: fewer bytes through TLS and fewer round trips of TCP slow start).
 */
export const ACCEPTED_ENCODINGS = 'gzip, deflate';

/**
 * Undoes Content-Encoding. `maxBytes` bounds the decoded size as well, so a small compressed body cannot expand
 * without limit. Throws on an unknown encoding or corrupt data; the caller reports that as a bad response.
 *
 * Why zlib's synchronous calls: the asynchronous ones pass the data through the libuv threadpool 16 KiB at a time,
 * which cost 4-10× the CPU of `gunzipSync` (the sandbox's 100-commit page compressed: 39 KB out, 265-630 µs against
 * 50-65 µs; a 100-commit page with every field, 243 KB out: 605-655 µs against 135-180 µs; per call through the client,
 * `BENCH_GZIP=1 npx tsx bench/client-cpu.ts`) and made every compressed answer wait behind whatever holds the pool's
 * 4 threads (DNS lookups of new sockets, file reads). Inflating on the event loop blocks it for less time than the
 * JSON.parse of the same page that follows (39 KB: ~270 µs), and never for more than `maxBytes` allows. So it is
 * synchronous itself, and throws: a promise here cost every upstream call an extra microtask turn for nothing.
 */
export function decodeBody(contentEncoding: string | undefined, body: Buffer, maxBytes: number): Buffer {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '' || body.length === 0) return body;
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(body, { maxOutputLength: maxBytes });
  if (encoding === 'deflate') return zlib.inflateSync(body, { maxOutputLength: maxBytes });
  throw new Error(`unsupported Content-Encoding "${encoding}"`);
}
