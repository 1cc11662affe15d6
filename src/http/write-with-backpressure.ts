/**
 * Write a piece of a streamed answer and wait while the socket's buffer is full: `write` returning false means the
 * client reads slower than rows are produced, and the next piece waits for 'drain' (Node.js stream backpressure), so
 * a slow client holds the gateway at one buffer of text, not a whole answer. A client that leaves ends the wait with
 * `ClientGone` (its upstream work stops, request-context.ts).
 */
import type { Response } from 'express';
import { ClientGone } from './request-context';

export async function writeWithBackpressure(res: Response, piece: string | Buffer): Promise<void> {
  if (res.destroyed) throw new ClientGone();
  if (res.write(piece)) return;
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new ClientGone());
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
