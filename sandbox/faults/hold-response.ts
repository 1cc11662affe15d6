import type { Response } from 'express';

/**
 * Holds the answer back until `released` settles, without holding back the handler: whatever the handler writes
 * before then is buffered and sent, in order, at release; after release writes and the end pass straight through
 * (a long answer still streaming when the time is up is not held further). `SANDBOX_LATENCY_MS` uses it with a timer
 * started when the request arrived, so the latency is the round trip a client sees and the handling happens inside
 * it, as on Bitbucket's own servers, instead of after it. If the client has gone by the release, nothing is sent.
 */
export function holdResponse(res: Response, released: Promise<void>): void {
  const originalWrite = res.write.bind(res);
  const originalEnd = res.end.bind(res);
  const chunks: Array<[unknown, BufferEncoding | undefined]> = [];
  let ending: { chunk: unknown; encoding: BufferEncoding | undefined; done: (() => void) | undefined } | undefined;

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    chunks.push([chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined]);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof res.write;

  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    const done = [chunk, encoding, callback].find((argument) => typeof argument === 'function') as (() => void) | undefined;
    ending = { chunk: typeof chunk === 'function' ? undefined : chunk, encoding: typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined, done };
    return res;
  }) as typeof res.end;

  const release = (): void => {
    res.write = originalWrite;
    res.end = originalEnd;
    // The client gave up during the hold: its socket is gone, so nothing is written (a write would only error).
    if (res.destroyed || res.socket === null || res.socket.destroyed) return;
    for (const [buffered, bufferedEncoding] of chunks) originalWrite(buffered as string, bufferedEncoding ?? 'utf8');
    if (ending === undefined) return;
    if (ending.chunk === undefined || ending.chunk === null) originalEnd(ending.done);
    else originalEnd(ending.chunk as string, ending.encoding ?? 'utf8', ending.done);
  };
  void released.then(release, release);
}
