/**
 * The one read of a single entity: by key (`keyFilter`), or by what a URL implies (a key, a single-valued
 * navigation's constraints). The executor answers it with a by-key GET where the route allows, else a list read
 * narrowed to that entity; `$select` narrows Bitbucket's `fields` as for a collection.
 */
import type { Expr, Row } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import { executeQuery } from './execute-query';

/** The entity as Bitbucket has it now, or undefined when `filter` names none. */
export async function readEntity(def: EntitySetDefinition, filter: Expr | undefined, ctx: ExecutionContext, select?: string[]): Promise<Row | undefined> {
  const result = await executeQuery(
    def,
    {
      ...(select !== undefined ? { select } : {}),
      filter,
      orderby: [],
      count: false,
      top: 1,
    },
    ctx,
  );
  return result.rows[0];
}
