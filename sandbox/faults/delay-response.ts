import type { Response } from 'express';
import { bufferResponse } from './buffered-response';

/**
 * Holds the coming answer back for `delay` after the handler produced it: whatever the handler did (a write applied
 * to the store) is done at once, but the client sees the answer only later, or never if it gives up first. Writes
 * and the end are buffered and replayed in order; if the client has gone by then, nothing is sent.
 */
export function delayResponse(res: Response, delay: () => Promise<void>): void {
  const { ended, flush } = bufferResponse(res);
  void ended.then(delay).then(flush);
}
