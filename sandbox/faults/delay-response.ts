import type { Response } from 'express';

/**
 * Holds the coming answer back for `delay` after the handler produced it: whatever the handler did (a write applied
 * to the store) is done at once, but the client sees the answer only later, or never if it gives up first. Writes
 * and the end are buffered and replayed in order; if the client has gone by then, nothing is sent.
 */
export function delayResponse(res: Response, delay: () => Promise<void>): void {
  const originalWrite = res.write.bind(res);
  const originalEnd = res.end.bind(res);
  const chunks: Array<[unknown, unknown]> = [];

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    chunks.push([chunk, typeof encoding === 'function' ? undefined : encoding]);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof res.write;

  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    res.write = originalWrite;
    res.end = originalEnd;
    const done = [chunk, encoding, callback].find((argument) => typeof argument === 'function') as (() => void) | undefined;
    const last = typeof chunk === 'function' ? undefined : chunk;
    void delay().then(() => {
      if (res.destroyed || res.socket === null || res.socket.destroyed) return;
      for (const [buffered, bufferedEncoding] of chunks) originalWrite(buffered as string, bufferedEncoding as BufferEncoding);
      if (last === undefined) originalEnd(done);
      else originalEnd(last as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8', done);
    });
    return res;
  }) as typeof res.end;
}
