/**
 * A query that names one entity by every parameter of its by-key route: one GET (`fields=` from the plan), a 404
 * checked against the parent (the entity is missing, or its parent is; a base URL that is not Bitbucket's API fails
 * loudly), and a key Bitbucket resolved in another spelling (`PLATFORM-API`) naming no entity.
 */
import { UpstreamError } from '../bitbucket';
import type { Row } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import type { QueryPlan } from './plan-query';
import { parentCheckNeeded, parentExists, parentParam, usableValues, type ParentLister, type StreamParams } from './resolve-streams';
import { differingRouteValues, rowFromItem } from './row-from-item';
import { addressablePath, shouldExist } from './row-stream';
import { recordUpstreamPosition } from './upstream-position';

export async function readSingle(def: EntitySetDefinition, plan: QueryPlan, ctx: ExecutionContext, parents: ParentLister): Promise<Row[]> {
  const get = def.get;
  if (!get) return [];
  const params: StreamParams = {};
  for (const param of get.params) {
    const value = usableValues(param, plan.fixedParams[param.name] ?? [])[0];
    if (value === undefined) return [];
    params[param.name] = value;
  }
  const path = addressablePath(get.path, params);
  if (!path) return [];
  const parent = parentParam(get.params);
  // A key property the item does not state (a comment's repository) is confirmed on the parent first (one by-key read).
  if (parent && parentCheckNeeded(def, get.params, plan.fixedParams) && !(await parentExists(parent, params, ctx, parents))) return [];
  let item: unknown;
  try {
    item = await ctx.client.get<unknown>(path, plan.getFields ? { fields: plan.getFields } : {}, ctx.credential, ctx.signal);
  } catch (error) {
    if (!(error instanceof UpstreamError && error.kind === 'not-found')) throw error;
    // The entity is missing, or its parent is: 404 either way. The parent's read (one by-key GET or list, cached per
    // request) ends at a list that must exist, so a base URL that is not Bitbucket's API fails loudly, not as a 404.
    if (!parent) throw shouldExist(error, 'a resource');
    await parentExists(parent, params, ctx, parents);
    return [];
  }
  const row = rowFromItem(def, item, params);
  // Bitbucket resolved a spelling of the key that is not its own (`PLATFORM-API`): OData's key names no entity.
  if (differingRouteValues(def, get.params, row, params).length > 0) return [];
  // The only row of its answer: any position orders it; 0 gives it a cursor like any other row.
  if (plan.byUpstreamPosition) recordUpstreamPosition(row, 0);
  return [row];
}
