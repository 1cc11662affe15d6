/**
 * Writes and actions: OData property values → Bitbucket's request body and path, one upstream call, and the entity
 * as Bitbucket answers it. Bodies are validated before this runs (src/http/write-body.ts), so nothing invalid goes
 * upstream. Writes are never retried blindly: the client retries only calls marked idempotent.
 */
import { bitbucketPath, UpstreamError } from '../bitbucket';
import type { LiteralValue, Row } from '../odata/ast';
import type { ActionDefinition, EntitySetDefinition, PropertyDefinition, WriteRoute } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import { keyFilter } from './key-filter';
import { readEntity } from './read-entity';
import { rowFromItem } from './row-from-item';
import { ODataError } from '../odata/errors';

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const segments = dotted.split('.');
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    current = (next && typeof next === 'object' ? next : (current[segment] = {})) as Record<string, unknown>;
  }
  current[segments[segments.length - 1]] = value;
}

function bodyValue(property: PropertyDefinition, value: LiteralValue): unknown {
  if (property.write?.bodyShape === 'comma-list' && typeof value === 'string') {
    return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  }
  return value;
}

/** Bitbucket's request body for the given OData values (only properties with a body path). */
export function bitbucketBody(def: EntitySetDefinition, values: Row): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const property of def.properties) {
    if (!(property.name in values) || !property.write?.body) continue;
    setPath(body, property.write.body, bodyValue(property, values[property.name]));
  }
  return body;
}

/**
 * Route parameter values from key (or body) values. A value that cannot be a path segment (empty, `.` or `..`, which
 * would change the route: RFC 3986 §5.2.4) names no Bitbucket resource: in a create body that is the client's
 * mistake (400 naming the property), in a key it names no entity (404); it never reaches Bitbucket.
 */
export function routeValues(route: WriteRoute | { params: WriteRoute['params'] }, values: Row, source: 'body' | 'key' = 'key'): Record<string, string> {
  return Object.fromEntries(
    route.params.map((param) => {
      const value = String(values[param.property] ?? '');
      if (value === '' || value === '.' || value === '..') {
        if (source === 'key') throw new ODataError('NotFound', { message: `No entity has ${param.property} ${JSON.stringify(value)}.` });
        const problem = `${param.property} cannot be ${JSON.stringify(value)}: it names a Bitbucket resource in the URL path, where an empty segment, "." and ".." are not names`;
        throw new ODataError('InvalidBody', { reason: problem }, { target: param.property, details: [{ code: 'InvalidValue', message: `${problem}.`, target: param.property }] });
      }
      return [param.name, value];
    }),
  );
}

function keyOf(def: EntitySetDefinition, row: Row): Row {
  return Object.fromEntries(def.key.map((name) => [name, row[name]]));
}

/** Values from the path (route parameters) complete a row Bitbucket's answer may leave out. */
function completeRow(def: EntitySetDefinition, item: unknown, params: Record<string, string>, given: Row): Row {
  const row = rowFromItem(def, item, params);
  for (const name of def.key) if (row[name] === null && given[name] !== undefined) row[name] = given[name];
  return row;
}

/**
 * What a confirmed write leaves us: the entity as read back after it, or, when that read failed, nothing more than
 * that the write happened. A write Bitbucket confirmed must be answered as done (2xx): answering the read-back's
 * failure (429, 503, …) would tell Power Automate to retry, and a retried create is a duplicate.
 */
export type ReadBack = { kind: 'read'; row: Row } | { kind: 'gone' } | { kind: 'failed'; reason: string };

async function readBack(def: EntitySetDefinition, key: Row, ctx: ExecutionContext): Promise<ReadBack> {
  try {
    const row = await readEntity(def, keyFilter(def, key), ctx);
    return row ? { kind: 'read', row } : { kind: 'gone' };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    ctx.logger?.warn('read-back after a confirmed write failed', { entitySet: def.name, kind: error.kind, status: error.status });
    return { kind: 'failed', reason: `${error.kind}${error.status === undefined ? '' : ` ${error.status}`}` };
  }
}

/** The created entity's key (from Bitbucket's answer, completed by the values sent) and the read-back. */
export async function executeCreate(def: EntitySetDefinition, values: Row, ctx: ExecutionContext): Promise<{ created: Row; readBack: ReadBack }> {
  const route = def.writes?.insert;
  if (!route) throw new Error(`${def.name} has no insert route`);
  const params = routeValues(route, values, 'body');
  const result = await ctx.client.send<unknown>(route.method, bitbucketPath(route.path, params), bitbucketBody(def, values), ctx.credential, { idempotent: false, signal: ctx.signal });
  const created = completeRow(def, result.body, params, values);
  // Bitbucket answers the created object; when it does not carry every column, read it back once.
  if (!def.get) return { created, readBack: { kind: 'read', row: created } };
  return { created, readBack: await readBack(def, keyOf(def, created), ctx) };
}

export async function executeUpdate(def: EntitySetDefinition, key: Row, patch: Row, ctx: ExecutionContext): Promise<ReadBack> {
  const route = def.writes?.update;
  if (!route) throw new Error(`${def.name} has no update route`);
  const params = routeValues(route, key);
  await ctx.client.send<unknown>(route.method, bitbucketPath(route.path, params), bitbucketBody(def, patch), ctx.credential, { idempotent: true, signal: ctx.signal });
  return readBack(def, key, ctx);
}

export async function executeDelete(def: EntitySetDefinition, key: Row, ctx: ExecutionContext): Promise<void> {
  const route = def.writes?.remove;
  if (!route) throw new Error(`${def.name} has no delete route`);
  await ctx.client.send<unknown>(route.method, bitbucketPath(route.path, routeValues(route, key)), undefined, ctx.credential, { idempotent: false, signal: ctx.signal });
}

export async function executeAction(def: EntitySetDefinition, action: ActionDefinition, key: Row, parameters: Row, ctx: ExecutionContext): Promise<ReadBack | undefined> {
  const body: Record<string, unknown> = {};
  for (const parameter of action.parameters) {
    if (parameters[parameter.name] !== undefined && parameters[parameter.name] !== null) setPath(body, parameter.body, parameters[parameter.name]);
  }
  const path = bitbucketPath(action.route.path, routeValues(action.route, key));
  await ctx.client.send<unknown>(action.route.method, path, action.route.method === 'DELETE' ? undefined : body, ctx.credential, {
    idempotent: action.idempotent,
    signal: ctx.signal,
  });
  return action.returnsEntity ? readBack(def, key, ctx) : undefined;
}
