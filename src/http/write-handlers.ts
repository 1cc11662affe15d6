/**
 * POST (create), PATCH/PUT (update), DELETE and bound actions (OData 4.01 Part 1 §11.4 and §11.5.4). Each one:
 * resolve the target → check the operation exists (405 with Bitbucket's reason otherwise) → validate the body
 * (400 listing every problem, nothing sent) → honour If-Match → one Bitbucket write → answer as OData says
 * (201 + Location + OData-EntityId, 200/204 by `Prefer: return=...`).
 */
import type { Request, Response } from 'express';
import { UpstreamError } from '../bitbucket';
import type { Expr, ODataQuery, ResourcePath, Row } from '../odata/ast';
import type { EdmModel } from '../odata/edm';
import { ODataError } from '../odata/errors';
import { entityId, serializeEntity, type JsonFormat } from '../odata/serialize';
import type { ActionDefinition, EntitySetDefinition } from '../entity-sets/model';
import { etagOf } from '../entity-sets/etag-of';
import { actionSchema, writeSchema } from '../entity-sets/write-schema';
import { edmOf } from '../entity-sets/to-edm-model';
import type { ExecutionContext } from '../plan/execution-context';
import { executeAction, executeCreate, executeDelete, executeUpdate, type ReadBack } from '../plan/execute-write';
import { keyFilter } from '../plan/key-filter';
import { readEntity } from '../plan/read-entity';
import { conjuncts } from '../odata/conjuncts';
import { resolveTarget } from './resolve-target';
import { upstreamToODataError } from './upstream-to-odata-error';
import { validateBody } from './write-body';

export interface WriteContext {
  req: Request;
  res: Response;
  ctx: ExecutionContext;
  model: EdmModel;
  serviceRoot: string;
  format: JsonFormat;
  query: ODataQuery;
  timeoutMs: number;
  send(body: unknown): void;
}

/** `Property eq literal` conjuncts → values (keys and navigation constraints). */
function valuesOf(expr: Expr | undefined): Row {
  const row: Row = {};
  for (const conjunct of conjuncts(expr)) {
    if (conjunct.kind === 'compare' && conjunct.op === 'eq' && conjunct.left.kind === 'property' && conjunct.right.kind === 'literal') {
      row[conjunct.left.name] = conjunct.right.value;
    }
  }
  return row;
}

function refuse(def: EntitySetDefinition, operation: 'insert' | 'update' | 'delete', method: string, allowed: string[]): ODataError {
  const reason = def.writes?.refusals?.[operation] ?? `Bitbucket offers no way to ${operation} ${def.name}`;
  return new ODataError('MethodNotAllowed', { method, resource: def.name, reason }, { headers: { Allow: allowed.join(', ') } });
}

function allowedMethods(def: EntitySetDefinition, single: boolean): string[] {
  if (!single) return ['GET', ...(def.writes?.insert ? ['POST'] : [])];
  return ['GET', ...(def.writes?.update ? ['PATCH', 'PUT'] : []), ...(def.writes?.remove ? ['DELETE'] : [])];
}

function returnMinimal(req: Request, res: Response): boolean {
  const prefer = req.get('prefer') ?? '';
  if (/return\s*=\s*minimal/i.test(prefer)) {
    res.set('Preference-Applied', 'return=minimal');
    return true;
  }
  if (/return\s*=\s*representation/i.test(prefer)) res.set('Preference-Applied', 'return=representation');
  return false;
}

/** A write's failure, answered by the one upstream-error mapping with its write-only cases. */
function writeFailure(error: unknown, operation: string, timeoutMs: number): unknown {
  return error instanceof UpstreamError ? upstreamToODataError(error, timeoutMs, { write: { operation } }) : error;
}

async function checkIfMatch(w: WriteContext, def: EntitySetDefinition, key: Row): Promise<Row> {
  const current = await readEntity(def, keyFilter(def, key), w.ctx);
  if (!current) throw new ODataError('EntityNotFound', { type: def.typeName, key: JSON.stringify(key) });
  const given = w.req.get('if-match');
  if (given && given.trim() !== '*') {
    const etag = etagOf(def, current);
    if (!etag) throw new ODataError('BadRequest', { message: `${def.name} has no version to compare: send the request without If-Match.` });
    if (!given.split(',').map((tag) => tag.trim()).includes(etag)) throw new ODataError('PreconditionFailed', { given, current: etag });
  }
  return current;
}

function sendEntity(w: WriteContext, def: EntitySetDefinition, row: Row, status: number): void {
  const etag = etagOf(def, row);
  if (etag) w.res.set('ETag', etag);
  w.res.status(status);
  w.send(
    serializeEntity({
      set: edmOf(def),
      namespace: w.model.namespace,
      row,
      level: w.format.metadata,
      ieee754Compatible: w.format.ieee754Compatible,
      serviceRoot: w.serviceRoot,
      etag: () => etag,
    }),
  );
}

async function create(w: WriteContext, def: EntitySetDefinition, implied: Row): Promise<void> {
  // Values the URL fixes (navigation from a parent) count as given; a different value in the body is a conflict.
  const body: unknown = w.req.body;
  const given = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const withImplied = given ? { ...implied, ...given } : body;
  const values = validateBody(withImplied, writeSchema(def, 'create'), def);
  for (const [name, value] of Object.entries(implied)) {
    if (name in values && values[name] !== value) {
      throw new ODataError('InvalidBody', { reason: `${name} is ${JSON.stringify(value)} by the URL but ${JSON.stringify(values[name])} in the body` }, { target: name });
    }
    values[name] = value;
  }
  const missingKeys = (def.writes?.insert?.params ?? []).filter((param) => values[param.property] === undefined || values[param.property] === null);
  if (missingKeys.length > 0) {
    throw new ODataError('InvalidBody', { reason: `${missingKeys.map((p) => p.property).join(', ')} required` }, { details: missingKeys.map((p) => ({ code: 'MissingProperty', message: `${p.property} is required.`, target: p.property })) });
  }
  let outcome: Awaited<ReturnType<typeof executeCreate>>;
  try {
    outcome = await executeCreate(def, values, w.ctx);
  } catch (error) {
    throw writeFailure(error, `creation of the ${def.typeName}`, w.timeoutMs);
  }
  const id = entityId(w.serviceRoot, edmOf(def), outcome.created);
  w.res.set('Location', id).set('OData-EntityId', id);
  if (returnMinimal(w.req, w.res) || outcome.readBack.kind !== 'read') {
    answerWithoutRepresentation(w, outcome.readBack);
    return;
  }
  sendEntity(w, def, outcome.readBack.row, 201);
}

/**
 * The write happened but there is no entity to show: the client asked for none, or reading it back failed (then
 * `Location` still says where it is, and the header says why the body is missing; OData 4.01 Part 1 §11.4.2.1
 * allows 204 with `OData-EntityId`). Never an error: a retry of a write that happened would repeat it.
 */
function answerWithoutRepresentation(w: WriteContext, readBack: ReadBack | undefined): void {
  if (readBack && readBack.kind !== 'read') {
    w.res.set('X-Read-Back', readBack.kind === 'gone' ? 'not-found' : `failed; ${readBack.reason}`);
  }
  w.res.status(204).end();
}

async function update(w: WriteContext, def: EntitySetDefinition, key: Row): Promise<void> {
  const patch = validateBody(w.req.body, writeSchema(def, 'update'), def);
  await checkIfMatch(w, def, key);
  let readBack: ReadBack;
  try {
    readBack = await executeUpdate(def, key, patch, w.ctx);
  } catch (error) {
    throw writeFailure(error, `update of the ${def.typeName}`, w.timeoutMs);
  }
  if (returnMinimal(w.req, w.res) || readBack.kind !== 'read') {
    answerWithoutRepresentation(w, readBack);
    return;
  }
  sendEntity(w, def, readBack.row, 200);
}

async function remove(w: WriteContext, def: EntitySetDefinition, key: Row): Promise<void> {
  await checkIfMatch(w, def, key);
  try {
    await executeDelete(def, key, w.ctx);
  } catch (error) {
    throw writeFailure(error, `deletion of the ${def.typeName}`, w.timeoutMs);
  }
  w.res.status(204).end();
}

async function invoke(w: WriteContext, def: EntitySetDefinition, action: ActionDefinition, key: Row): Promise<void> {
  const parameters = validateBody(w.req.body ?? {}, actionSchema(def, action), def);
  await checkIfMatch(w, def, key);
  let readBack: ReadBack | undefined;
  try {
    readBack = await executeAction(def, action, key, parameters, w.ctx);
  } catch (error) {
    throw writeFailure(error, `${action.name} action`, w.timeoutMs);
  }
  if (readBack?.kind !== 'read') {
    answerWithoutRepresentation(w, readBack);
    return;
  }
  sendEntity(w, def, readBack.row, 200);
}

function findAction(def: EntitySetDefinition, name: string, namespace: string): ActionDefinition {
  const short = name.startsWith(`${namespace}.`) ? name.slice(namespace.length + 1) : undefined;
  const action = short !== undefined ? def.actions?.find((a) => a.name === short) : undefined;
  if (!action) {
    const available = (def.actions ?? []).map((a) => `${namespace}.${a.name}`).join(', ') || 'none';
    throw new ODataError('NotFound', { message: `${def.typeName} has no action '${name}'. Actions: ${available}.` });
  }
  return action;
}

export async function handleWrite(w: WriteContext, resource: ResourcePath): Promise<void> {
  const method = w.req.method;
  if (resource.kind !== 'entity-set') {
    throw new ODataError('MethodNotAllowed', { method, resource: resource.kind, reason: 'only entity sets and entities can be written' }, { headers: { Allow: 'GET' } });
  }
  const target = resolveTarget(resource);
  const def = target.def;
  if (target.count || target.property) {
    throw new ODataError('MethodNotAllowed', { method, resource: w.req.path, reason: 'write the whole entity (PATCH it) instead' }, { headers: { Allow: 'GET' } });
  }
  const implied = valuesOf(target.implied);
  if (target.action) {
    if (method !== 'POST') throw new ODataError('MethodNotAllowed', { method, resource: target.action, reason: 'actions are invoked with POST' }, { headers: { Allow: 'POST' } });
    if (!target.single) throw new ODataError('InvalidUrl', { reason: 'actions are bound to a single entity: address it by key' });
    await invoke(w, def, findAction(def, target.action, w.model.namespace), implied);
    return;
  }
  if (method === 'POST') {
    if (target.single) throw refuse(def, 'insert', method, allowedMethods(def, true));
    if (!def.writes?.insert) throw refuse(def, 'insert', method, allowedMethods(def, false));
    if (target.parent && !(await readEntity(target.parent.def, target.parent.implied, w.ctx))) {
      throw new ODataError('EntityNotFound', { type: target.parent.def.typeName, key: 'given in the URL' });
    }
    await create(w, def, implied);
    return;
  }
  if (!target.single) {
    throw new ODataError('MethodNotAllowed', { method, resource: def.name, reason: 'address one entity by key to change or delete it' }, { headers: { Allow: allowedMethods(def, false).join(', ') } });
  }
  if (method === 'PATCH' || method === 'PUT' || method === 'MERGE') {
    if (!def.writes?.update) throw refuse(def, 'update', method, allowedMethods(def, true));
    await update(w, def, implied);
    return;
  }
  if (method === 'DELETE') {
    if (!def.writes?.remove) throw refuse(def, 'delete', method, allowedMethods(def, true));
    await remove(w, def, implied);
    return;
  }
  throw new ODataError('MethodNotAllowed', { method, resource: def.name, reason: 'use GET, POST, PATCH or DELETE' }, { headers: { Allow: allowedMethods(def, true).join(', ') } });
}
