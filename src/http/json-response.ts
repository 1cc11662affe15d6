/** Small pieces every OData root (`/odata/`, `/dataverse/`) answers with. */
import type { Request, Response } from 'express';
import { jsonContentType, type JsonFormat } from '../odata/serialize';

/** The request's query string exactly as sent (percent-encoding kept), without the `?`. */
export function rawQueryOf(req: Request): string {
  const index = req.originalUrl.indexOf('?');
  return index < 0 ? '' : req.originalUrl.slice(index + 1);
}

/**
 * A JSON body with the negotiated OData media type. setHeader, not res.set: express would rewrite the media type
 * parameters, and Power Query matches them exactly. A Buffer body, too: for strings express appends
 * `; charset=utf-8` through the same rewriting.
 */
export function sendJson(res: Response, body: unknown, format: JsonFormat): void {
  res.setHeader('Content-Type', jsonContentType(format));
  res.send(Buffer.from(JSON.stringify(body), 'utf8'));
}
