/**
 * The `http.createServer` options that make Node build each request and response on the app's own prototypes, so that
 * express does not change their prototype on every request.
 *
 * Why: Express 5's `app.handle` (express/lib/application.js, lines 169-170) does `Object.setPrototypeOf(req,
 * app.request)` and `Object.setPrototypeOf(res, app.response)` on each request. In V8 an object whose prototype is
 * changed moves to a map copied for that prototype, a root map whose fields are still marked constant; the first
 * later write to each of those fields (`_header`, `finished`, `destroyed`, … as Node answers) cannot be recorded on
 * that root, so V8 makes a new map and descriptor array for that one object, every request (`node
 * --trace-generalization`: "t{Any;const}->t{Any;mutable}" once per field per request). Those maps live in old space
 * until a full GC, and the young objects they and the request hold then survive scavenges and are promoted: measured
 * with `--trace-gc-nvp` on a bare express 5 app, ~7 KB promoted per request against ~40 B for node:http (issue #15:
 * the young-generation GCs every ~20 answers). Node's `IncomingMessage`/`ServerResponse` server options
 * (https://nodejs.org/docs/latest-v20.x/api/http.html#httpcreateserveroptions-requestlistener) let the objects be
 * born with `app.request`/`app.response` as their prototype; `Object.setPrototypeOf` to the prototype an object
 * already has changes nothing (ECMA-262 OrdinarySetPrototypeOf, step 2), and their maps are shared again.
 */
import http from 'node:http';
import type { Express } from 'express';

const optionsByApp = new WeakMap<Express, http.ServerOptions>();

/**
 * Options for `http.createServer(options, app)`. The app's `request`/`response` become the prototypes of two
 * subclasses of Node's classes that inherit from express's own ones, so `req.app`, `req.query`, `res.send` … resolve
 * as before and `req instanceof http.IncomingMessage` still holds. Once per app (a second call returns the same).
 */
export function expressServerOptions(app: Express): http.ServerOptions {
  const known = optionsByApp.get(app);
  if (known) return known;
  class ExpressRequest extends http.IncomingMessage {}
  class ExpressResponse<Request extends http.IncomingMessage = http.IncomingMessage> extends http.ServerResponse<Request> {}
  // Done once at start-up: these two prototypes' own chain, not the per-request objects'.
  Object.setPrototypeOf(ExpressRequest.prototype, app.request);
  Object.setPrototypeOf(ExpressResponse.prototype, app.response);
  app.request = ExpressRequest.prototype as typeof app.request;
  app.response = ExpressResponse.prototype as typeof app.response;
  const options: http.ServerOptions = { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse };
  optionsByApp.set(app, options);
  return options;
}
