/**
 * decodeBody (src/bitbucket/decode-body.ts): Content-Encoding undone within the size bound, and without the libuv
 * threadpool, which a compressed answer would otherwise queue behind (DNS lookups of new sockets, file reads: 4
 * threads by default, nodejs.org/api/cli.html#uv_threadpool_sizesize).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { decodeBody } from '../../src/bitbucket/decode-body';

const JSON_TEXT = JSON.stringify({ values: [{ hash: 'ab', message: 'ü'.repeat(50) }] });
const BYTES = Buffer.from(JSON_TEXT, 'utf8');

describe('decodeBody', () => {
  it.each<[string, string | undefined, Buffer]>([
    ['no Content-Encoding', undefined, BYTES],
    ['identity', 'identity', BYTES],
    ['gzip', 'gzip', zlib.gzipSync(BYTES)],
    ['x-gzip, any case and spacing', ' X-GZIP ', zlib.gzipSync(BYTES)],
    ['deflate', 'deflate', zlib.deflateSync(BYTES)],
  ])('%s → the JSON as sent', (_name, encoding, body) => {
    expect(decodeBody(encoding, body, 1_000_000).toString('utf8')).toBe(JSON_TEXT);
  });

  it('an empty body stays empty, whatever the encoding says', () => {
    expect(decodeBody('gzip', Buffer.alloc(0), 100)).toHaveLength(0);
  });

  it.each<[string, string, Buffer, number, RegExp]>([
    ['corrupt gzip', 'gzip', Buffer.from('not gzip'), 1_000_000, /header/i],
    ['a gzip bomb past the bound', 'gzip', zlib.gzipSync(Buffer.alloc(100_000, 'x')), 1000, /buffer|length|size/i],
    ['a deflate bomb past the bound', 'deflate', zlib.deflateSync(Buffer.alloc(100_000, 'x')), 1000, /buffer|length|size/i],
    ['an unknown encoding', 'zstd', BYTES, 1_000_000, /unsupported Content-Encoding "zstd"/],
  ])('%s → throws', (_name, encoding, body, maxBytes, message) => {
    expect(() => decodeBody(encoding, body, maxBytes)).toThrow(message);
  });

  it('decodes while every libuv threadpool thread is taken', async () => {
    // Each open() of a FIFO with no writer holds one pool thread until a writer opens it (fifo(7)).
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'decode-body-'));
    const fifos = Array.from({ length: threads }, (_, i) => path.join(dir, `fifo-${i}`));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    const readers = fifos.map((fifo) => fs.open(fifo, 'r'));
    try {
      const decoded = Promise.resolve().then(() => decodeBody('gzip', zlib.gzipSync(BYTES), 1_000_000).toString('utf8'));
      const waited = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting for the threadpool'), 1000).unref());
      expect(await Promise.race([decoded, waited])).toBe(JSON_TEXT);
    } finally {
      // A non-blocking writer open succeeds once its reader is in open(); until then it fails with ENXIO. Sync: an
      // async open would itself wait for a pool thread.
      for (const fifo of fifos) {
        for (;;) {
          try {
            closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
      }
      for (const reader of readers) await (await reader).close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
