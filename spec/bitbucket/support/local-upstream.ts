import express, { type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import http from 'node:http';

export interface RecordedRequest {
  method: string;
  /** The request target exactly as it arrived on the wire. */
  rawUrl: string;
  /** The path, percent-decoded (handlers are registered by decoded path). */
  path: string;
  query: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A tiny real HTTP server on 127.0.0.1:0 standing in for Bitbucket. Each test installs handlers with `on()`; every
 * request is recorded before its handler runs; an unknown route answers 599 so it cannot pass for anything else.
 */
export class LocalUpstream {
  readonly requests: RecordedRequest[] = [];
  #handlers = new Map<string, RequestHandler>();
  #server: http.Server | undefined;

  async start(): Promise<this> {
    const app = express();
    app.use(express.text({ type: () => true }));
    app.use((req, res, next) => {
      const path = decodeURIComponent(req.path);
      this.requests.push({
        method: req.method,
        rawUrl: req.originalUrl,
        path,
        query: { ...(req.query as Record<string, unknown>) },
        headers: req.headers,
        body: typeof req.body === 'string' ? req.body : '',
      });
      const handler = this.#handlers.get(`${req.method} ${path}`) ?? this.#handlers.get(`* ${path}`);
      if (handler === undefined) res.status(599).type('text/plain').send(`no handler for ${req.method} ${path}`);
      else void handler(req, res, next);
    });
    this.#server = http.createServer(app);
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin(): string {
    const address = this.#server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** Registers a handler for `METHOD /path` (or `* /path` for any method). */
  on(route: string, handler: RequestHandler): void {
    this.#handlers.set(route, handler);
  }

  reset(): void {
    this.requests.length = 0;
    this.#handlers.clear();
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

/** A handler that answers each successive call with the next responder in the list (the last one repeats). */
export function inSequence(...responders: RequestHandler[]): RequestHandler {
  let call = 0;
  return (req, res, next) => {
    const responder = responders[Math.min(call, responders.length - 1)];
    call += 1;
    return responder?.(req, res, next);
  };
}

export const bitbucketError = (status: number, error: Record<string, unknown>): RequestHandler => (_req, res) => {
  res.status(status).json({ type: 'error', error });
};

export const json = (body: unknown, status = 200): RequestHandler => (_req, res) => {
  res.status(status).json(body);
};

/** Closes the connection without an answer (the client sees ECONNRESET / "socket hang up"). */
export const resetConnection: RequestHandler = (req) => {
  req.socket.destroy();
};

/** Never answers. */
export const silence: RequestHandler = () => undefined;
