import type { RequestHandler } from 'express';
import type { Principal } from './auth';

/** One request the sandbox answered, as tests assert it: never a header, token or body. */
export interface LoggedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  path: string;
  /** Query parameters; a repeated key gives an array in the order sent. */
  query: Record<string, string | string[]>;
  /** null while in flight, and for connections destroyed without an answer (fault injection). */
  status: number | null;
  /** The principal's rate-limit key (user, token id, consumer or IP): which credential asked, without secrets. */
  rateKey: string | null;
}

function queryObject(originalUrl: string): Record<string, string | string[]> {
  const index = originalUrl.indexOf('?');
  const params = new URLSearchParams(index === -1 ? '' : originalUrl.slice(index + 1));
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** The log of `/2.0` and `/site` requests, in arrival order, for tests that assert which upstream calls were made. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  list(): LoggedRequest[] {
    return this.entries.map((e) => ({ ...e, query: { ...e.query } }));
  }

  clear(): void {
    this.entries = [];
    this.seq = 0;
  }

  /** Records requests whose path starts with one of `prefixes`; status and principal are filled when the response closes. */
  middleware(prefixes: readonly string[] = ['/2.0', '/site']): RequestHandler {
    return (req, res, next) => {
      const path = req.originalUrl.split('?', 1)[0];
      if (!prefixes.some((p) => path === p || path.startsWith(`${p}/`))) {
        next();
        return;
      }
      const entry: LoggedRequest = { seq: ++this.seq, method: req.method, path, query: queryObject(req.originalUrl), status: null, rateKey: null };
      this.entries.push(entry);
      res.on('close', () => {
        entry.status = res.writableFinished || res.headersSent ? res.statusCode : null;
        entry.rateKey = (res.locals.principal as Principal | undefined)?.rateKey ?? null;
      });
      next();
    };
  }
}
