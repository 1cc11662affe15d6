import type { Row } from '../odata/ast';
import type { EntitySetDefinition, ListRoute } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import type { QueryPlan } from './plan-query';
import { guard } from './replan';
import type { ParentLister, StreamParams } from './resolve-streams';
import { openStream, type RowStream } from './row-stream';

/**
 * How many rows of one stream pass `accept`: Bitbucket's `size` when it gives one (only asked for an exact plan, so
 * every row it counts is accepted), else the stream read whole at its largest page size through `accept`, the filter
 * the answer's rows pass, so the count and the rows of a walk agree. `size` is optional (evidence row 2: branches and
 * tags moved to page codes); a missing one taken as 0 would be a wrong number that looks right.
 *
 * `from` is a stream already read in part (`$count=true` beside rows), or only the route values of one not read yet
 * (`/$count`). One not read yet is opened at its largest page size, and its first page is the probe: it says `size`
 * (one call, nothing further read), or it is the first page of the count. A `pagelen=1` probe first would cost one
 * call more on every stream whose `size` does not come, and save none where it does (one call either way).
 */
export async function countStream(
  def: EntitySetDefinition,
  list: ListRoute,
  plan: QueryPlan,
  from: RowStream | { params: StreamParams },
  accept: (row: Row) => boolean,
  ctx: ExecutionContext,
  refusal: Parameters<typeof guard>[1],
  parents: ParentLister,
): Promise<number> {
  /** The stream read from its start at its largest page size: its `size` once a page states one, else its rows counted. */
  const countWhole = async (params: StreamParams): Promise<number> => {
    // A page that states `size` is the last one read (`lastNeeded`): the rows already in hand cost nothing more.
    const paging = { pagelen: list.maxPagelen, startPage: 1, lastNeeded: () => reading.size !== undefined };
    const reading: RowStream = guard(openStream(def, list, plan, params, accept, ctx, paging, parents), refusal);
    let count = 0;
    for (let row = await reading.next(); row; row = await reading.next()) count += 1;
    return reading.size ?? count;
  };
  if (!('next' in from)) return countWhole(from.params);
  const stream = from;
  if (stream.size !== undefined) return stream.size;
  // A page already read without `size` settles it: no `pagelen=1` probe that would come back without one too.
  const size = stream.sizeOmitted ? undefined : await stream.upstreamSize();
  if (size !== undefined) return size;
  return countWhole(stream.params);
}
