/**
 * Pieces of a streamed answer held while the rows after them are already in hand, then written together: one socket
 * write, and one wake-up of the client, for what was ready at once, instead of one per upstream page. Rows handed over
 * as read come one Bitbucket page at a time, and a fan-out's pages are small: the fan-out bench's answer (bench/run.ts,
 * 225 repositories' open pull requests) went out in 202 writes of about 200 bytes, each a syscall for the gateway and a
 * wake-up for the client, on the cores the gateway needs (issue #15). Nothing waits for more rows: what is held goes
 * out as soon as the next rows need an upstream read (`before`), or a chunk's worth is held (`maxRows`).
 */
import type { Response } from 'express';
import { writeWithBackpressure } from './write-with-backpressure';

export class HeldPieces {
  #pieces: Buffer[] = [];
  #rows = 0;

  constructor(
    private readonly res: Response,
    private readonly maxRows: number,
  ) {}

  /** Holds `piece` (`rows` rows); writes what is held once that reaches `maxRows`. */
  async add(piece: Buffer, rows: number): Promise<void> {
    this.#pieces.push(piece);
    this.#rows += rows;
    if (this.#rows >= this.maxRows) await this.release();
  }

  /** Before waiting for `next`: writes what is held unless `next` is in hand already (settles before any I/O). */
  async before(next: Promise<unknown>): Promise<void> {
    if (this.#pieces.length > 0 && !(await settlesAtOnce(next))) await this.release();
  }

  /** Writes what is held (with backpressure). */
  async release(): Promise<void> {
    if (this.#pieces.length === 0) return;
    const piece = this.#pieces.length === 1 ? this.#pieces[0] : Buffer.concat(this.#pieces);
    this.#pieces = [];
    this.#rows = 0;
    await writeWithBackpressure(this.res, piece);
  }

  /** What is held, handed over for the answer's last write (and no longer held). */
  take(): Buffer[] {
    const pieces = this.#pieces;
    this.#pieces = [];
    this.#rows = 0;
    return pieces;
  }
}

/**
 * Whether `promise` settles (either way) before the event loop's next turn: a value already in hand settles within
 * microtasks, one that waits for a socket does not (`setImmediate` runs first).
 */
export function settlesAtOnce(promise: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const turn = setImmediate(() => resolve(false));
    const settled = () => {
      clearImmediate(turn);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
