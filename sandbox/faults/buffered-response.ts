import type { Response } from 'express';

export interface BufferedResponse {
  /** Settles when the handler ends the answer (`res.end`). */
  ended: Promise<void>;
  /**
   * Sends what was buffered, in order, and lets later writes and the end pass straight through. If the client has
   * gone by then, nothing is sent (its socket is gone: a write would only error).
   */
  flush(): void;
}

/**
 * Buffers the answer's writes and its end instead of sending them, until `flush`: the one mechanism behind holding
 * an answer for the latency (hold-response.ts) and delaying it after it was produced (delay-response.ts). Write
 * callbacks are called at once, as if the bytes had gone, so the handler is never held back.
 */
export function bufferResponse(res: Response): BufferedResponse {
  const originalWrite = res.write.bind(res);
  const originalEnd = res.end.bind(res);
  const chunks: Array<[unknown, BufferEncoding | undefined]> = [];
  let ending: { chunk: unknown; encoding: BufferEncoding | undefined; done: (() => void) | undefined } | undefined;
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    chunks.push([chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined]);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof res.write;

  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    const done = [chunk, encoding, callback].find((argument) => typeof argument === 'function') as (() => void) | undefined;
    ending = { chunk: typeof chunk === 'function' ? undefined : chunk, encoding: typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined, done };
    markEnded();
    return res;
  }) as typeof res.end;

  const flush = (): void => {
    res.write = originalWrite;
    res.end = originalEnd;
    if (res.destroyed || res.socket === null || res.socket.destroyed) return;
    for (const [buffered, bufferedEncoding] of chunks) originalWrite(buffered as string, bufferedEncoding ?? 'utf8');
    if (ending === undefined) return;
    if (ending.chunk === undefined || ending.chunk === null) originalEnd(ending.done);
    else originalEnd(ending.chunk as string, ending.encoding ?? 'utf8', ending.done);
  };
  return { ended, flush };
}
