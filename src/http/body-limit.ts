/**
 * Refuses a request body over the limit as soon as it is over, and closes the connection. `express.json` refuses one
 * too, but only after reading it to its end (body-parser reads the rest off the socket before answering 413, so the
 * connection can be reused), and a chunked body that never ends would then never be answered: the request would hold
 * its connection until Node's request timeout. A body declared too large by `Content-Length` is refused before any
 * of it is read.
 */
import type { RequestHandler } from 'express';
import { ODataError } from '../odata/errors';

export function refuseOversizedBody(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const tooLarge = () => new ODataError('BodyTooLarge', { limit: limitBytes });
    const declared = Number(req.get('content-length'));
    if (Number.isFinite(declared) && declared > limitBytes) {
      res.set('Connection', 'close');
      next(tooLarge());
      return;
    }
    if (req.get('transfer-encoding') === undefined) {
      next();
      return;
    }
    // A chunked body: count it as it arrives (alongside the parser, which attaches its own listener in this same tick).
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limitBytes || res.headersSent) return;
      req.off('data', count);
      const error = tooLarge();
      res.status(error.status).set(error.headers).set('Connection', 'close').set('Content-Type', 'application/json;charset=utf-8');
      res.end(JSON.stringify(error.toJSON()), () => req.socket.destroy());
    };
    req.on('data', count);
    next();
  };
}
