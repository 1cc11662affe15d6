import type { Response } from 'express';

/**
 * Makes the coming JSON answer arrive cut short: the full `Content-Length` is announced, about half of the body is
 * written, then the socket is destroyed, as a dropped connection mid-body looks to a client. Non-JSON and empty
 * answers pass through untouched.
 */
export function truncateJsonResponse(res: Response): void {
  const chunks: Buffer[] = [];
  const originalWrite = res.write.bind(res);
  const originalEnd = res.end.bind(res);

  const collect = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    else chunks.push(Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    collect(chunk, encoding);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof res.write;

  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    collect(chunk, encoding);
    res.write = originalWrite;
    res.end = originalEnd;
    const body = Buffer.concat(chunks);
    const contentType = String(res.getHeader('content-type') ?? '');
    const done = [chunk, encoding, callback].find((argument) => typeof argument === 'function') as (() => void) | undefined;
    if (!/\bjson\b/i.test(contentType) || body.length < 2 || res.req.method === 'HEAD') {
      if (!res.headersSent) res.setHeader('Content-Length', body.length);
      return originalEnd(body, done);
    }
    res.setHeader('Content-Length', body.length);
    res.setHeader('X-Sandbox-Fault', 'truncate');
    const cut = Math.max(1, Math.floor(body.length / 2));
    originalWrite(body.subarray(0, cut), () => res.socket?.destroy());
    return res;
  }) as typeof res.end;
}
