import type { Response } from 'express';
import { bufferResponse } from './buffered-response';

/**
 * Holds the answer back until `released` settles, without holding back the handler: whatever the handler writes
 * before then is buffered and sent, in order, at release; after release writes and the end pass straight through
 * (a long answer still streaming when the time is up is not held further). `SANDBOX_LATENCY_MS` uses it with a timer
 * started when the request arrived, so the latency is the round trip a client sees and the handling happens inside
 * it, as on Bitbucket's own servers, instead of after it. If the client has gone by the release, nothing is sent.
 */
export function holdResponse(res: Response, released: Promise<void>): void {
  const { flush } = bufferResponse(res);
  void released.then(flush, flush);
}
