/**
 * `/dataverse/`: the entity sets of `/odata/` with one Edm.Guid key each, for Dataverse virtual tables through the
 * OData v4 Data Provider (dataverse-model.ts says what the provider requires and how each set meets it).
 *
 * This root does not read Bitbucket itself where `/odata/` already does: a collection read is rewritten to the
 * `/odata/` query (translate-query.ts) and served by the same router, so filtering, pushdown, paging (`$top`/`$skip`
 * and signed `$skiptoken` nextLinks), counts and every limit are the main root's; only the answer's shape is this
 * root's (the Guid key, the context URL, nextLinks that point here). A by-key read is resolved to the composite key
 * through the reverse index (reverse-index.ts, shared by replicas through the app's store) and read as `/odata/`
 * reads one entity.
 *
 * Bounded answers (DV-06): sets listed per repository must be narrowed to one (400 naming the filter to add), and
 * a read that still runs past `deadlineSeconds` stops its Bitbucket calls and answers 504 before the data source's
 * timeout (30 s in Microsoft's walkthrough, learn.microsoft.com/power-apps/maker/data-platform/virtual-entity-walkthrough-using-odata-provider).
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { BitbucketClient } from '../bitbucket';
import type { GatewayConfig } from '../config';
import { buildEdmModel } from '../entity-sets/to-edm-model';
import { createODataRouter } from '../http/odata-router';
import { credentialFromRequest } from '../http/credentials';
import { rawQueryOf, sendJson } from '../http/json-response';
import { publicBaseOf } from '../http/public-base';
import { requestContext, requestSignal } from '../http/request-context';
import { keyFilter } from '../plan/key-filter';
import { readEntity } from '../plan/read-entity';
import { stopWorkWhenAnswerIsMoot } from '../http/stop-work';
import { etagOf } from '../entity-sets/etag-of';
import type { Logger } from '../logger';
import type { Expr, ODataQuery, Row } from '../odata/ast';
import { ODataError } from '../odata/errors';
import { validateQuery } from '../odata/evaluate';
import { buildCsdlJson, buildCsdlXml, buildServiceDocument, CSDL_JSON_CONTENT_TYPE, CSDL_XML_CONTENT_TYPE } from '../odata/metadata';
import { parseQueryOptions, parseResourcePath, validateExpand } from '../odata/parse';
import { jsonContentType, negotiateJsonFormat, serializeCollection, serializeEntity, type JsonFormat } from '../odata/serialize';
import { negotiateVersion } from '../odata/version';
import { executeCount, executeQuery } from '../plan/execute-query';
import type { ExecutionContext } from '../plan/execution-context';
import { planQuery } from '../plan/plan-query';
import { buildDataverseModel, compositeKeyOf, guidOf, type DataverseSet } from './dataverse-model';
import { asGuid } from './name-based-uuid';
import { ReverseIndex } from './reverse-index';
import { mainSelect, mentionedGuids, queryPairs, queryString, toMainQuery, withoutInlineCount, type QueryPair } from './translate-query';
import type { SharedStore } from '../storage';

/** Under the OData v4 Data Provider's timeout (30 s in Microsoft's walkthrough), with room for the answer to travel. */
export const DATAVERSE_DEADLINE_SECONDS = 25;
/** Guid → composite key entries kept in this process (about 200 bytes each). */
export const DATAVERSE_REVERSE_INDEX_ENTRIES = 200_000;
/** How long the shared store keeps a Guid's way back after the row was last served (a week of a view's records). */
export const DATAVERSE_REVERSE_INDEX_TTL_SECONDS = 7 * 24 * 3600;

export interface DataverseRouterDeps {
  config: GatewayConfig;
  client: BitbucketClient;
  logger?: Logger;
  now?: () => number;
  /** Middleware run first on every request of this root (the app's readiness gate and credential middleware). */
  before?: RequestHandler[];
  deadlineSeconds?: number;
  reverseIndexEntries?: number;
  /** The app's shared store (src/storage): replicas sharing Redis resolve each other's Guids. */
  store?: SharedStore;
}


/** CSDL XML unless the client asks for JSON alone (the rule of odata-router.ts: Power Platform reads XML). */
function wantsCsdlJson(accept: string | undefined, format: string | undefined): boolean {
  if (format !== undefined) return /json/i.test(format);
  return accept !== undefined && /json/i.test(accept) && !/xml|\*\/\*|application\/\*/i.test(accept);
}

export function createDataverseRouter({ config, client, logger, now, before = [], deadlineSeconds = DATAVERSE_DEADLINE_SECONDS, reverseIndexEntries = DATAVERSE_REVERSE_INDEX_ENTRIES, store }: DataverseRouterDeps): Router {
  const model = buildDataverseModel();
  const index = new ReverseIndex(store, { maxEntries: reverseIndexEntries, ttlSeconds: DATAVERSE_REVERSE_INDEX_TTL_SECONDS, ...(logger ? { logger } : {}), ...(now ? { now } : {}) });
  const main = createODataRouter({ config, client, model: buildEdmModel(), logger, now });
  const csdlXml = buildCsdlXml(model.edm, '4.0');
  const csdlJson = JSON.stringify(buildCsdlJson(model.edm, '4.0'));
  const limits = { maxFilterLength: config.maxFilterLength, maxDepth: config.maxFilterDepth, maxTop: config.maxTop };
  const router = Router();

  const serviceRootOf = (req: Request) => `${publicBaseOf(req, config)}${req.baseUrl}/`;

  function context(req: Request): ExecutionContext {
    return {
      client,
      credential: credentialFromRequest(req, config),
      limits: { maxFanOut: config.maxFanOut, fanOutConcurrency: config.fanOutConcurrency },
      now: new Date(),
      pushdown: config.pushdown,
      logger,
      signal: requestSignal(),
    };
  }

  /** A served row: its Guid added and remembered (`remembered`, awaited before the answer goes), so a by-key read of it needs no search. */
  function dataverseRow(set: DataverseSet, row: Row, remembered: Array<Promise<void>>): Row {
    const guid = guidOf(set, row);
    // Bitbucket's UUID is declared non-nullable; a row without one cannot be keyed, and must not be served unkeyed.
    if (guid === undefined) throw new ODataError('UpstreamError', { upstreamStatus: 200, message: `a ${set.def.typeName} without a valid ${set.scheme.kind === 'native' ? set.scheme.property : 'key'}` });
    remembered.push(index.remember(set.def.name, guid, compositeKeyOf(set, row)));
    return { [set.keyName]: guid, ...row };
  }

  /** DV-06: a list that would read every repository of every workspace is refused, naming the filter to add. */
  function assertBounded(set: DataverseSet, query: ODataQuery): void {
    if (set.requiredFilter.length === 0) return;
    const plan = planQuery(set.def, query, { pushdown: true });
    const params = (set.def.list?.params ?? []).filter((param) => set.requiredFilter.includes(param.property));
    const missing = params.filter((param) => !(param.name in plan.fixedParams)).map((param) => param.property);
    if (missing.length === 0) return;
    const example = set.requiredFilter.map((name) => `${name} eq '…'`).join(' and ');
    throw new ODataError('MissingRequiredFilter', {
      entitySet: `${set.def.name} on the Dataverse root`,
      properties: `${missing.join(' and ')} (add $filter=${example} to the view: reading every repository could not answer within the data source's 30-second timeout)`,
    });
  }

  async function readByKey(req: Request, res: Response, set: DataverseSet, guid: string, query: ODataQuery, format: JsonFormat): Promise<void> {
    const ctx = context(req);
    const select = mainSelect(set, query.select);
    let key = await index.lookup(set.def.name, guid);
    let row: Row | undefined;
    if (key === undefined && set.scheme.kind === 'native' && set.requiredFilter.length === 0) {
      // Not served here yet, but Bitbucket's own UUID is searchable within a bounded read (the caller's workspaces).
      const filter: Expr = { kind: 'compare', op: 'eq', left: { kind: 'property', name: set.scheme.property }, right: { kind: 'literal', type: 'Edm.String', value: `{${guid}}` } };
      row = await readEntity(set.def, filter, ctx, select);
    } else if (key !== undefined) {
      row = await readEntity(set.def, keyFilter(set.def, key), ctx, select);
    } else {
      throw new ODataError('NotFound', {
        message:
          `No ${set.def.typeName} with ${set.keyName} ${guid} among the rows this gateway has served lately. ` +
          `The key is ${set.scheme.kind === 'native' ? "Bitbucket's UUID" : `a name-based UUID of ${set.main.key.join(', ')}`}, which cannot be read back without a listing: list the set (narrowed as usual) first, or filter on ${set.main.key.join(', ')}.`,
      });
    }
    if (row === undefined || guidOf(set, row) !== guid) throw new ODataError('EntityNotFound', { type: set.def.typeName, key: guid });
    key = compositeKeyOf(set, row);
    const etag = etagOf(set.def, row);
    if (etag) res.set('ETag', etag);
    const remembered: Array<Promise<void>> = [];
    const served = dataverseRow(set, row, remembered);
    await Promise.all(remembered);
    const entity = { set: set.edm, namespace: model.edm.namespace, row: served, level: format.metadata, ieee754Compatible: format.ieee754Compatible, serviceRoot: serviceRootOf(req), select: query.select, etag: () => etag };
    sendJson(res, serializeEntity(entity), format);
  }

  /** Serve the collection through `/odata/`'s router and reshape its answer; nextLinks come back to this root. */
  function readCollection(req: Request, res: Response, next: NextFunction, set: DataverseSet, clientPairs: QueryPair[], mainPairs: QueryPair[], query: ODataQuery, format: JsonFormat): void {
    const serviceRoot = serviceRootOf(req);
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      if (res.statusCode !== 200 || !Buffer.isBuffer(body)) return send(body);
      const answer = JSON.parse(body.toString('utf8')) as { value: Row[]; '@odata.count'?: number | string; '@odata.nextLink'?: string };
      const etags = new Map<Row, string>();
      const remembered: Array<Promise<void>> = [];
      const rows = answer.value.map((entity) => {
        const plain = Object.fromEntries(Object.entries(entity).filter(([name]) => !name.includes('@'))) as Row;
        const row = dataverseRow(set, plain, remembered);
        const etag = (entity as Record<string, unknown>)['@odata.etag'];
        if (typeof etag === 'string') etags.set(row, etag);
        return row;
      });
      let nextLink: string | undefined;
      if (answer['@odata.nextLink'] !== undefined) {
        const token = queryPairs(new URL(answer['@odata.nextLink']).search.slice(1)).find(([name]) => name === '$skiptoken')?.[1];
        const options = clientPairs.filter(([name]) => name.toLowerCase() !== '$skiptoken');
        nextLink = `${serviceRoot}${set.def.name}?${queryString([...options, ['$skiptoken', token ?? '']])}`;
      }
      const count = answer['@odata.count'] === undefined ? undefined : Number(answer['@odata.count']);
      const collection = { set: set.edm, namespace: model.edm.namespace, rows, level: format.metadata, ieee754Compatible: format.ieee754Compatible, serviceRoot, select: query.select, count, nextLink, etag: (row: Row) => etags.get(row) };
      res.setHeader('Content-Type', jsonContentType(format));
      const reshaped = Buffer.from(JSON.stringify(serializeCollection(collection)), 'utf8');
      // The answer goes once its Guids are in the shared store, so a by-key read on another replica finds them
      // (`remember` logs a store failure and never rejects).
      void Promise.all(remembered).then(() => send(reshaped));
      return res;
    }) as typeof res.send;
    const raw = queryString(mainPairs);
    req.url = `/${set.def.name}${raw ? `?${raw}` : ''}`;
    req.originalUrl = `${req.baseUrl}${req.url}`;
    main(req, res, next);
  }

  router.use((_req, res, next) => {
    res.set('OData-Version', '4.0');
    next();
  });
  for (const handler of before) router.use(handler);
  router.use((req, res, next) => {
    const store = requestContext.getStore();
    if (store && logger) stopWorkWhenAnswerIsMoot(req, res, store, deadlineSeconds, logger);
    next();
  });

  router.all('/{*path}', async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD');
      throw new ODataError('MethodNotAllowed', { method: req.method, resource: 'the Dataverse root', reason: 'it is read-only; write through /odata/' });
    }
    const version = negotiateVersion({ version: req.get('odata-version'), maxVersion: req.get('odata-maxversion') });
    res.set('OData-Version', version.response);
    const clientPairs = queryPairs(rawQueryOf(req));
    const pairs = withoutInlineCount(clientPairs);
    const resource = parseResourcePath(req.path.replace(/^\//, ''), new Set());
    const query = parseQueryOptions(queryString(pairs), limits, version.request);
    if (resource.kind === 'service-document') {
      sendJson(res, buildServiceDocument(model.edm, serviceRootOf(req)), negotiateJsonFormat(req.get('accept'), query.format));
      return;
    }
    if (resource.kind === 'metadata') {
      if (wantsCsdlJson(req.get('accept'), query.format)) res.set('Content-Type', CSDL_JSON_CONTENT_TYPE).send(csdlJson);
      else res.set('Content-Type', CSDL_XML_CONTENT_TYPE).send(csdlXml);
      return;
    }
    if (resource.kind !== 'entity-set') throw new ODataError('NotImplemented', { feature: resource.kind === 'batch' ? '$batch' : 'Singletons on the Dataverse root', hint: 'Send each request on its own to an entity set.' });
    const set = model.sets.get(resource.entitySet);
    if (!set) throw new ODataError('EntitySetNotFound', { name: resource.entitySet, serviceRoot: serviceRootOf(req) });
    if (resource.navigation || resource.property || resource.action) {
      throw new ODataError('NotImplemented', { feature: 'Navigation, property and action paths on the Dataverse root', hint: `Read ${set.def.name} or ${set.def.name}(<${set.keyName}>) with $select.` });
    }
    validateQuery(query, set.edm);
    validateExpand(query.expand ?? [], set.edm, model.edm);
    if (query.search !== undefined && !set.edm.capabilities.searchable) throw new ODataError('NotImplemented', { feature: `$search on ${set.def.name}`, hint: 'Use $filter with contains() instead.' });
    const format = negotiateJsonFormat(req.get('accept'), query.format);
    if (resource.key) {
      const values = Object.values(resource.key);
      const named = Object.keys(resource.key);
      const guid = values.length === 1 && typeof values[0] === 'string' && (named[0] === '' || named[0] === set.keyName) ? asGuid(values[0]) : undefined;
      if (guid === undefined) throw new ODataError('InvalidKey', { entitySet: set.def.name, reason: `the key is one Edm.Guid, ${set.keyName}`, expected: `${set.keyName}=00000000-0000-0000-0000-000000000000` });
      await readByKey(req, res, set, guid, query, format);
      return;
    }
    // The Guids the filter names, looked up first: the rewrite itself is a pure function of the query and these.
    const filterText = pairs.find(([name]) => name.toLowerCase() === '$filter')?.[1];
    const known = await index.lookupMany(set.def.name, filterText === undefined ? [] : mentionedGuids(filterText));
    const mainPairs = toMainQuery(set, pairs, query.select, (_setName, guid) => known.get(guid.toLowerCase()));
    const mainQuery = parseQueryOptions(queryString(mainPairs), limits, version.request);
    assertBounded(set, mainQuery);
    if (resource.count) {
      const count = await executeCount(set.def, mainQuery, context(req));
      res.type('text/plain; charset=utf-8').send(String(count));
      return;
    }
    readCollection(req, res, next, set, clientPairs.filter(([name]) => name.toLowerCase() !== '$skiptoken'), mainPairs, query, format);
  });
  return router;
}
