/**
 * The OData service: HTTP → parse URL → validate → plan + execute → serialize. Each stage lives in its own module;
 * this file wires them to express routes and writes the answer: an entity, or a collection page as one body or
 * streamed chunk by chunk (paging itself is `src/paging`'s SkipTokenHandler).
 */
import express, { Router, type Request, type Response } from 'express';
import type { BitbucketClient } from '../bitbucket';
import type { GatewayConfig } from '../config';
import type { Logger } from '../logger';
import type { ODataQuery, ResourcePath, Row } from '../odata/ast';
import type { EdmModel } from '../odata/edm';
import { ODataError } from '../odata/errors';
import { validateQuery } from '../odata/evaluate';
import { buildCsdlJson, buildCsdlXml, buildServiceDocument, CSDL_JSON_CONTENT_TYPE, CSDL_XML_CONTENT_TYPE, metadataAnnotationsOption } from '../odata/metadata';
import { canonicalQueryString, collectionOptionsGiven, parseQueryOptions, parseResourcePathKept, validateExpand, type ResolvedExpansion } from '../odata/parse';
import { negotiateVersion, type ODataVersion } from '../odata/version';
import { DEFAULT_JSON_FORMAT as DEFAULT_FORMAT, collectionText, jsonContentType, negotiateJsonFormat, serializeEntity, serializeProperty, type ExpandedNavigation, type JsonFormat } from '../odata/serialize';
import { findDefinition } from '../entity-sets/registry';
import type { EntitySetDefinition } from '../entity-sets/model';
import { edmOf } from '../entity-sets/to-edm-model';
import { executeCount, executeQuery } from '../plan/execute-query';
import { reportTrustNewestFirst, trustNewestFirstOf } from './trust-newest-first';
import type { ExecutionContext } from '../plan/execution-context';
import { readEntity } from '../plan/read-entity';
import { credentialFromRequest, credentialIdentity } from './credentials';
import { rawQueryOf, sendJson } from './json-response';
import { expandRows, selectForExpansion } from './expand-rows';
import { allOfKept } from '../odata/conjuncts';
import { createPageSnapshots } from '../paging/create-page-snapshots';
import type { SharedStore } from '../storage';
import { CHUNK_ROWS, SkipTokenHandler } from '../paging/skip-token-handler';
import { queryBinding, type SkiptokenBinding } from '../paging/skiptoken';
import { RowBudget, type RowLease } from '../memory/memory-budget';
import { writeWithBackpressure } from './write-with-backpressure';
import { HeldPieces } from './held-pieces';
import { refuseOversizedBody } from './body-limit';
import { publicBaseOf } from './public-base';
import { abandonUpstreamWork, ANSWER_TRAILERS, answerTrailers, requestContext } from './request-context';
import { resolveTargetKept, type ReadTarget } from './resolve-target';
import { upstreamPlanRecorder } from './upstream-plan-header';
import { etagOf } from '../entity-sets/etag-of';
import { handleWrite } from './write-handlers';

export interface ODataRouterDeps {
  config: GatewayConfig;
  client: BitbucketClient;
  model: EdmModel;
  logger?: Logger;
  /** Epoch milliseconds, for the idle expiry of paging snapshots; specs pass a clock they move. */
  now?: () => number;
  /** The app's shared store: with Redis, paging snapshots live there so that replicas share them. */
  store?: SharedStore;
}


function serviceRootOf(req: Request, config: GatewayConfig): string {
  return `${publicBaseOf(req, config)}${req.baseUrl}/`;
}


/**
 * CSDL XML unless the client clearly wants JSON: `$format=json`, or an Accept that names JSON and no XML at all.
 * Excel and Power BI prefer application/json for data (q=1.0) and list XML lower; answering their `$metadata`
 * request with CSDL JSON, which they cannot read, would break every feed, so XML wins whenever it is acceptable.
 */
function wantsCsdlJson(accept: string | undefined, format: string | undefined): boolean {
  if (format !== undefined) {
    if (/json/i.test(format)) return true;
    if (/xml/i.test(format)) return false;
    throw new ODataError('NotAcceptable', { format: `$format=${format}` });
  }
  if (!accept) return false;
  return /json/i.test(accept) && !/xml|\*\/\*|application\/\*/i.test(accept);
}

/** Options that make no sense on one entity (OData 4.01 Part 2 §5: they apply to collections). */
function rejectCollectionOptions(query: ODataQuery): void {
  const given = collectionOptionsGiven(query);
  if (given.length > 0) {
    throw new ODataError('InvalidQueryOption', { option: given.join(', '), reason: 'it applies to collections, and this URL addresses a single entity' });
  }
}

/**
 * What a page's tokens are bound to, its canonical query worked out when first read: only a hash of the binding reads
 * it (a token read or issued, a snapshot kept), and a page that is the whole answer needs none (issue #15: CPU per
 * answer page).
 */
function bindingOf(resource: string, raw: string, credential: string): SkiptokenBinding {
  let query: string | undefined;
  return {
    resource,
    get query() {
      return (query ??= queryBinding(raw));
    },
    credential,
  };
}

/** Largest write body accepted: a pull request with a long description is a few kB. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A `$metadata` document per OData version, built the first time it is asked for and kept. Built eagerly, the eight
 * documents of a router (XML and JSON, 4.0 and 4.01, with and without the gateway's annotations) cost ~80 ms of CPU
 * cold in a fresh process (140-220 ms at load 10), twice per app (the Dataverse router makes an OData router of its
 * own): some 9 s of a 216 s run of 20 spec files (CPU profile), whose apps mostly never serve one. A gateway pays it
 * once, on its first `$metadata` of that kind (spec/http/protocol, formats and odata-version ask for them).
 */
function perVersion(build: (version: ODataVersion) => string): (version: ODataVersion) => string {
  const built = new Map<ODataVersion, string>();
  return (version) => {
    let document = built.get(version);
    if (document === undefined) built.set(version, (document = build(version)));
    return document;
  };
}

export function createODataRouter({ config, client, model, logger, now, store }: ODataRouterDeps): Router {
  const router = Router();
  // One row budget for the process: whole-set reads and paging snapshots hold rows against it (memory-budget.ts).
  const budget = new RowBudget(config.maxRowsInMemory);
  // In the process, or in Redis with REDIS_URL so that a nextLink served by another replica continues from it.
  const { snapshots, liveness } = createPageSnapshots({ config, store, budget, now, logger });
  // Server-driven paging: a page from its `$skiptoken`, the token of the next one (src/paging/).
  const paging = new SkipTokenHandler({ secret: config.skiptokenSecret, maxPageSize: config.maxPageSize, snapshots, liveness, logger });
  /** Each read request's share of the budget, given back when its response is over (sent, or the client left). */
  const leases = new WeakMap<Request, RowLease>();
  function leaseOf(req: Request): RowLease {
    let lease = leases.get(req);
    if (!lease) {
      const taken = budget.lease();
      leases.set(req, taken);
      req.res?.once('close', () => taken.end());
      lease = taken;
    }
    return lease;
  }
  const singletons = new Set(model.entitySets.filter((set) => set.singleton).map((set) => set.name));
  // One document per version a response can declare; the 4.0 ones are what every 4.0 client has always read.
  const csdl = perVersion((version) => buildCsdlXml(model, version));
  const csdlJson = perVersion((version) => JSON.stringify(buildCsdlJson(model, version)));
  // The opt-in `$metadata?annotations=gateway` adds the gateway's own Pushdown terms (client rule MD-02).
  const gateway = { gateway: true };
  const csdlGateway = perVersion((version) => buildCsdlXml(model, version, gateway));
  const csdlJsonGateway = perVersion((version) => JSON.stringify(buildCsdlJson(model, version, gateway)));
  const limits = { maxFilterLength: config.maxFilterLength, maxDepth: config.maxFilterDepth, maxTop: config.maxTop };
  // The same for every request (nothing writes to a context's limits): one object, not one per request.
  const executionLimits = Object.freeze({ maxFanOut: config.maxFanOut, fanOutConcurrency: config.fanOutConcurrency });

  /**
   * A read stops its upstream work when the client leaves, the deadline passes or the call cap is reached
   * (request-context.ts). A write is never cut off once it may have been sent: its outcome would be unknown, and a
   * write is a handful of calls at most.
   */
  function context(req: Request, kind: 'read' | 'write' = 'read'): ExecutionContext {
    const request = kind === 'read' ? requestContext.getStore() : undefined;
    return {
      client,
      credential: credentialFromRequest(req, config),
      limits: executionLimits,
      now: new Date(),
      pushdown: config.pushdown,
      logger,
      // The request's log line (an info line, src/http/observability.ts) carries its plans, when it is written.
      onPlan: upstreamPlanRecorder(req, logger?.enabled?.('info') !== false),
      ...(kind === 'read' ? { abandon: abandonUpstreamWork, memory: leaseOf(req), ...trustNewestFirstOf(req) } : {}),
      // Taken when a call is made, not here: an answer that calls nothing upstream makes no AbortController
      // (request-context.ts, issue #15: CPU per answer).
      get signal() {
        return request?.abort.signal;
      },
    };
  }

  async function serveEntity(req: Request, res: Response, target: ReadTarget, query: ODataQuery, format: JsonFormat, expansions: ResolvedExpansion[]) {
    rejectCollectionOptions(query);
    const ctx = context(req);
    const row = await readEntity(target.def, target.implied, ctx, selectForExpansion(query.select, expansions));
    if (!row) throw new ODataError('EntityNotFound', { type: target.def.typeName, key: req.path.slice(1) });
    const expand = await expandRows(target.def, [row], expansions, ctx, config);
    sendEntityOrProperty(req, res, target.def, target, row, query, format, expand);
  }

  function sendEntityOrProperty(req: Request, res: Response, def: EntitySetDefinition, target: Pick<ReadTarget, 'property'>, row: Row, query: ODataQuery, format: JsonFormat, expand: ExpandedNavigation[] = []) {
    const edm = edmOf(def);
    const serviceRoot = serviceRootOf(req, config);
    if (target.property) {
      if (query.expand) throw new ODataError('InvalidQueryOption', { option: '$expand', reason: 'it applies to entities, and this URL addresses a property' });
      const property = edm.properties.find((p) => p.name === target.property?.name);
      if (!property) {
        throw new ODataError('UnknownProperty', { property: target.property.name, type: def.typeName, available: edm.properties.map((p) => p.name).join(', ') });
      }
      const value = row[property.name];
      if (target.property.value) {
        if (value === null) {
          res.status(204).end();
          return;
        }
        res.type('text/plain; charset=utf-8').send(String(value));
        return;
      }
      sendJson(res, serializeProperty({ set: edm, row, property: property.name, level: format.metadata, ieee754Compatible: format.ieee754Compatible, serviceRoot }), format);
      return;
    }
    const etag = etagOf(def, row);
    if (etag) res.set('ETag', etag);
    const entity = { set: edm, namespace: model.namespace, row, level: format.metadata, ieee754Compatible: format.ieee754Compatible, serviceRoot, select: query.select, etag: () => etag, expand };
    sendJson(res, serializeEntity(entity), format);
  }

  async function readCollection(req: Request, res: Response, target: ReadTarget, query: ODataQuery, raw: string, format: JsonFormat, expansions: ResolvedExpansion[]) {
    const ctx = context(req);
    const edm = edmOf(target.def);
    // The parent's rows must hold what the expansions' constraints read, whatever `$select` says.
    const fetched = { ...query, select: selectForExpansion(query.select, expansions), filter: allOfKept(target.implied, query.filter) };
    const source = paging.servePage({
      def: target.def,
      query,
      fetched,
      binding: bindingOf(req.path, raw, credentialIdentity(ctx.credential)),
      prefer: req.get('prefer'),
      reader: {
        // Rows handed over as read make small chunks; `$expand` reads per chunk, so it keeps chunks of CHUNK_ROWS.
        execute: (chunk, { stream, ...options }) => executeQuery(target.def, chunk, ctx, expansions.length > 0 ? options : { ...options, ...(stream ? { stream } : {}) }),
        credential: ctx.credential,
        client,
        get signal() {
          return ctx.signal;
        },
      },
      lease: leaseOf(req),
    });
    if (source.preferenceApplied !== undefined) res.set('Preference-Applied', `odata.maxpagesize=${source.preferenceApplied}`);
    const serviceRoot = serviceRootOf(req, config);
    const etag = (row: Row) => etagOf(target.def, row);
    const nextLinkAfter = (last: Row): string => {
      const options = raw.split('&').filter((part) => part && !/^(%24|\$)skiptoken=/i.test(part));
      options.push(`$skiptoken=${encodeURIComponent(paging.nextToken(source, last))}`);
      return `${serviceRoot.replace(/\/$/, '')}${req.path}?${options.join('&')}`;
    };
    // The walk has reached its last page: free the snapshot's rows now rather than at expiry.
    const lastPage = () => paging.endWalk(source);
    const first = await source.next();
    reportTrustNewestFirst(res, ctx);
    if (target.parent && first.length === 0 && !source.continued) await assertParentExists(target, ctx);
    // `$expand` runs on the rows being served, after the parent's own filter, order and paging.
    const firstRows = first.slice(0, source.pageSize);
    const firstExpand = await expandRows(target.def, firstRows, expansions, ctx, config);
    const text = collectionText({ set: edm, namespace: model.namespace, level: format.metadata, ieee754Compatible: format.ieee754Compatible, serviceRoot, select: query.select, count: source.count, etag, expand: firstExpand });
    // A page whose rows all came with its first chunk (a small answer under a large MAX_PAGE_SIZE or
    // `odata.maxpagesize`) needs no streaming either: one write instead of a chunked head, tail and trailer, each a
    // socket write of its own (issue #15.3).
    if (source.pageSize <= CHUNK_ROWS || source.done) {
      // A page of one chunk is one body, with a Content-Length (byte for byte what it always was).
      const more = first.length > source.pageSize;
      const nextLink = more ? nextLinkAfter(firstRows[firstRows.length - 1]) : undefined;
      if (!more) lastPage();
      res.setHeader('Content-Type', jsonContentType(format));
      res.send(Buffer.concat([Buffer.from(text.head, 'utf8'), ...text.encodedEntities(firstRows, firstExpand), Buffer.from(text.tail({ nextLink }), 'utf8')]));
      return;
    }
    // A larger page is streamed chunk by chunk: the first chunk was read before the headers, so most failures still
    // answer with their own status; a failure after the first byte destroys the connection (error-middleware.ts), so
    // the client sees a broken answer, never a short 200 (OData 4.01 Part 1 §9.4 In-Stream Errors: the response MUST
    // be left malformed; RFC 9112 §7.1: a chunked message without its last chunk is incomplete).
    res.status(200);
    res.setHeader('Content-Type', jsonContentType(format));
    // The calls made after the headers went out, and the final Server-Timing, are reported in trailers of the same
    // names (RFC 9110 §6.5).
    res.setHeader('Trailer', ANSWER_TRAILERS);
    await writeWithBackpressure(res, Buffer.concat([Buffer.from(text.head, 'utf8'), ...text.encodedEntities(firstRows, firstExpand)]));
    let written = firstRows.length;
    let last = firstRows[firstRows.length - 1];
    let more = first.length > source.pageSize;
    // Rows that are in hand together go out in one write (held-pieces.ts); `$expand` reads between chunks, so not there.
    const held = new HeldPieces(res, expansions.length > 0 ? 1 : CHUNK_ROWS);
    while (!source.done && !more) {
      const next = source.next();
      await held.before(next);
      const chunk = await next;
      const rows = chunk.slice(0, source.pageSize - written);
      more = chunk.length > rows.length;
      if (rows.length === 0) continue;
      const expand = await expandRows(target.def, rows, expansions, ctx, config);
      // The comma between chunks is written with the rows (`separated`); one piece, as a page of rows nearly always
      // is, goes on as it is (no copy).
      const pieces = text.encodedEntities(rows, expand, written > 0);
      await held.add(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces), rows.length);
      written += rows.length;
      last = rows[rows.length - 1];
    }
    const nextLink = more && last ? nextLinkAfter(last) : undefined;
    if (!nextLink) lastPage();
    res.addTrailers(answerTrailers());
    res.end(Buffer.concat([...held.take(), Buffer.from(text.tail({ nextLink }), 'utf8')]));
  }

  async function assertParentExists(target: ReadTarget, ctx: ExecutionContext): Promise<void> {
    if (!target.parent) return;
    if (!(await readEntity(target.parent.def, target.parent.implied, ctx))) throw new ODataError('EntityNotFound', { type: target.parent.def.typeName, key: 'given in the URL' });
  }

  // Write bodies are JSON (OData JSON Format); anything else is refused before it is read.
  const body = Router();
  body.use((req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (['POST', 'PATCH', 'PUT', 'MERGE'].includes(req.method) && hasBody && !req.is('application/json')) {
      next(new ODataError('UnsupportedMediaType'));
      return;
    }
    next();
  });
  body.use(refuseOversizedBody(BODY_LIMIT_BYTES));
  body.use(express.json({ limit: BODY_LIMIT_BYTES }));
  // A request that declares no body (neither Content-Length nor Transfer-Encoding: every read) passes all three
  // without effect, so it skips them: three layers fewer on every read (issue #15: latency added per upstream page).
  router.use((req, res, next) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) next();
    else body(req, res, next);
  });
  router.all('/{*path}', async (req, res) => {
    // OData-Version / OData-MaxVersion (src/odata/version.ts): the answer's version replaces the 4.0 the app sets for
    // every /odata response (one header, never two); a version the service cannot honour is a 400 that keeps 4.0.
    const version = negotiateVersion({ version: req.get('odata-version'), maxVersion: req.get('odata-maxversion') });
    res.set('OData-Version', version.response);
    // System query options named as the request's version allows (`top=5` in 4.01) are canonical (`$top=5`) from
    // here on, so nextLinks and $skiptoken bindings read the same in every version; a 4.0 query string is unchanged.
    const raw = canonicalQueryString(rawQueryOf(req), version.request);
    const resource: ResourcePath = parseResourcePathKept(req.path.replace(/^\//, ''), singletons);
    if (resource.kind === 'metadata') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ODataError('MethodNotAllowed', { method: req.method, resource: '$metadata', reason: 'it is read-only' });
      const query = parseQueryOptions(raw, limits, version.request);
      const withGateway = metadataAnnotationsOption(raw).gateway;
      if (wantsCsdlJson(req.get('accept'), query.format)) {
        res.set('Content-Type', CSDL_JSON_CONTENT_TYPE).send((withGateway ? csdlJsonGateway : csdlJson)(version.response));
      } else {
        res.set('Content-Type', CSDL_XML_CONTENT_TYPE).send((withGateway ? csdlGateway : csdl)(version.response));
      }
      return;
    }
    if (resource.kind === 'batch') throw new ODataError('NotImplemented', { feature: '$batch', hint: 'Send each request on its own.' });
    const query = parseQueryOptions(raw, limits, version.request);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (query.expand) throw new ODataError('NotImplemented', { feature: '$expand on a write', hint: 'Read the entity with $expand after the write.' });
      const format = negotiateJsonFormat(req.get('accept'), query.format);
      await handleWrite(
        {
          req,
          res,
          ctx: context(req, 'write'),
          model,
          serviceRoot: serviceRootOf(req, config),
          format,
          query,
          timeoutMs: config.upstreamTimeoutMs,
          send: (body) => sendJson(res, body, format),
        },
        resource,
      );
      return;
    }
    // `/$count` and `/$value` answer text/plain; every other read answers JSON in the negotiated dialect.
    const answersText = (resource.kind === 'entity-set' && (resource.count || resource.property?.value === true)) || (resource.kind === 'singleton' && resource.property?.value === true);
    const format = answersText ? DEFAULT_FORMAT : negotiateJsonFormat(req.get('accept'), query.format);
    if (resource.kind === 'service-document') {
      sendJson(res, buildServiceDocument(model, serviceRootOf(req, config)), format);
      return;
    }
    if (resource.kind === 'singleton') {
      const def = findDefinition(resource.name);
      if (!def?.singleton) throw new ODataError('EntitySetNotFound', { name: resource.name, serviceRoot: serviceRootOf(req, config) });
      validateQuery(query, edmOf(def));
      validateExpand(query.expand ?? [], edmOf(def), model);
      rejectCollectionOptions(query);
      const result = await executeQuery(def, { orderby: [], count: false }, context(req));
      const row = result.rows[0];
      if (!row) throw new ODataError('NotFound', { message: `${def.name} is not available for this credential.` });
      sendEntityOrProperty(req, res, def, { property: resource.property }, row, query, format);
      return;
    }
    const target = resolveTargetKept(resource);
    // An action is invoked with POST (OData 4.01 Protocol §11.5.4.1); any other method is 405 naming it (RFC 9110 §15.5.6).
    if (target.action) {
      throw new ODataError(
        'MethodNotAllowed',
        { method: req.method, resource: `${target.def.name}/${target.action}`, reason: 'an action is invoked with POST' },
        { headers: { Allow: 'POST' } },
      );
    }
    validateQuery(query, edmOf(target.def));
    const expansions = validateExpand(query.expand ?? [], edmOf(target.def), model);
    if (query.search !== undefined && !edmOf(target.def).capabilities.searchable) {
      throw new ODataError('NotImplemented', { feature: `$search on ${target.def.name}`, hint: 'Use $filter with contains() instead.' });
    }
    if (target.count) {
      if (query.top !== undefined || query.skip !== undefined || query.orderby.length > 0 || query.expand) {
        throw new ODataError('InvalidQueryOption', { option: '$top/$skip/$orderby/$expand', reason: '/$count counts the whole collection; only $filter and $search apply' });
      }
      const ctx = context(req);
      const count = await executeCount(target.def, { ...query, filter: allOfKept(target.implied, query.filter) }, ctx);
      // As for a collection: a count above 0 shows the parent exists (its rows carry its exact key); 0 may not.
      if (count === 0) await assertParentExists(target, ctx);
      reportTrustNewestFirst(res, ctx);
      res.type('text/plain; charset=utf-8').send(String(count));
      return;
    }
    if (target.single) {
      await serveEntity(req, res, target, query, format, expansions);
      return;
    }
    if (target.property) throw new ODataError('InvalidUrl', { reason: 'a property can only follow a single entity; add a key predicate' });
    await readCollection(req, res, target, query, raw, format, expansions);
  });
  return router;
}
