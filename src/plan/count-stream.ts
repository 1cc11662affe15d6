import type { Row } from '../odata/ast';
import type { EntitySetDefinition, ListRoute } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import type { QueryPlan } from './plan-query';
import { guard } from './replan';
import type { ParentLister } from './resolve-streams';
import { openStream, type RowStream } from './row-stream';

/**
 * How many rows of one stream pass `accept`: Bitbucket's `size` when it gives one (only asked for an exact plan, so
 * every row it counts is accepted), else the stream read whole at its largest page size through `accept`, the filter
 * the answer's rows pass, so the count and the rows of a walk agree. `size` is optional (evidence row 2: branches and
 * tags moved to page codes); a missing one taken as 0 would be a wrong number that looks right.
 */
export async function countStream(
  def: EntitySetDefinition,
  list: ListRoute,
  plan: QueryPlan,
  stream: RowStream,
  accept: (row: Row) => boolean,
  ctx: ExecutionContext,
  refusal: Parameters<typeof guard>[1],
  parents: ParentLister,
): Promise<number> {
  if (stream.size !== undefined) return stream.size;
  // A page already read without `size` settles it: no `pagelen=1` probe that would come back without one too.
  const size = stream.sizeOmitted ? undefined : await stream.upstreamSize();
  if (size !== undefined) return size;
  const reading = guard(openStream(def, list, plan, stream.params, accept, ctx, { pagelen: list.maxPagelen, startPage: 1 }, parents), refusal);
  let count = 0;
  for (let row = await reading.next(); row; row = await reading.next()) count += 1;
  return count;
}
