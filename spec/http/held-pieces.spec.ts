/**
 * HeldPieces (src/http/held-pieces.ts): the pieces of a streamed answer whose next rows are already in hand go out in
 * one write, what is held goes out before a wait for rows still being read, and a chunk's worth goes out at once.
 * Counted as HTTP chunks on a raw socket (each `res.write` of a chunked answer is one chunk, whatever TCP does).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { HeldPieces, settlesAtOnce } from '../../src/http/held-pieces';

/** Serves one chunked answer written by `write`, and returns the chunks a client received, in order. */
async function chunksOf(write: (res: http.ServerResponse) => Promise<void>): Promise<string[]> {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    void write(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (data: string) => (text += data));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    let body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    const chunks: string[] = [];
    for (;;) {
      const size = parseInt(body.slice(0, body.indexOf('\r\n')), 16);
      if (size === 0) return chunks;
      body = body.slice(body.indexOf('\r\n') + 2);
      chunks.push(body.slice(0, size));
      body = body.slice(size + 2);
    }
  } finally {
    server.close();
  }
}

const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('HeldPieces', () => {
  it.each<[string, Array<'ready' | 'later'>, number, string[]]>([
    ['rows in hand one after another: one write with the last piece', ['ready', 'ready', 'ready'], 100, ['head', 'abcEND']],
    ['rows that need a wait: what is held goes out before it', ['later', 'later', 'later'], 100, ['head', 'a', 'b', 'cEND']],
    ['a mix', ['ready', 'later', 'ready', 'ready', 'later'], 100, ['head', 'a', 'bcd', 'eEND']],
    ['a chunk\'s worth (2 rows) goes out at once', ['ready', 'ready', 'ready', 'ready', 'ready'], 2, ['head', 'ab', 'cd', 'eEND']],
  ])('%s', async (_name, arrivals, maxRows, expected) => {
    const chunks = await chunksOf(async (res) => {
      res.write('head');
      const held = new HeldPieces(res as unknown as Response, maxRows);
      for (const [index, arrival] of arrivals.entries()) {
        const piece = String.fromCharCode(97 + index);
        const next = arrival === 'ready' ? Promise.resolve(piece) : later(piece, 20);
        await held.before(next);
        await held.add(Buffer.from(await next), 1);
      }
      res.end(Buffer.concat([...held.take(), Buffer.from('END')]));
    });
    expect(chunks).toEqual(expected);
  });
});

describe('settlesAtOnce', () => {
  it.each<[string, () => Promise<unknown>, boolean]>([
    ['a value in hand', () => Promise.resolve(1), true],
    ['a refusal in hand', () => Promise.reject(new Error('x')), true],
    ['a value a few microtasks away', () => Promise.resolve().then(() => Promise.resolve(2)).then((v) => v), true],
    ['a timer', () => later(3, 1), false],
    ['a socket read', () => new Promise((resolve) => setImmediate(() => setImmediate(resolve))), false],
  ])('%s', async (_name, make, expected) => {
    const promise = make();
    promise.catch(() => undefined);
    expect(await settlesAtOnce(promise)).toBe(expected);
  });
});
