/**
 * Bitbucket did not do what was pushed: it refused a `q` field (400, or the 500 it gives on some fields) or ignored a
 * `sort`. That pushdown is withdrawn for good (`pushdown-refusals.ts`) and the query runs again under a new plan
 * (`withReplans`); a `Replan` never reaches the client. `guard` makes every read of a stream answer for its `q`,
 * `orderCheck` checks the rows of a stream against a pushed `sort` an early stop trusts.
 */
import { UpstreamError, type UpstreamQuery } from '../bitbucket';
import type { Row } from '../odata/ast';
import { ODataError } from '../odata/errors';
import type { EntitySetDefinition, ListRoute } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import { findRefusedConjuncts } from './find-refused-conjuncts';
import type { QueryPlan, UpstreamSort } from './plan-query';
import { rememberRefusal } from './pushdown-refusals';
import type { StreamParams } from './resolve-streams';
import { addressablePath, type RowStream } from './row-stream';
import type { BbqlConjunct } from './to-bbql';

/**
 * Bitbucket did not do what was pushed (it refused a `q` field, or ignored a `sort`): that pushdown is withdrawn for
 * good (`pushdown-refusals.ts`) and the query runs again under a new plan. Never reaches the client.
 */
export class Replan extends Error {
  override readonly name = 'Replan';
  constructor(readonly problem: UpstreamError | ODataError) {
    super(problem.message);
  }
}

/** Each replan withdraws at least one field or sort for good, so replans end; this bound is only a backstop. */
const MAX_REPLANS = 8;

export async function withReplans<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof Replan)) throw error;
      if (attempt > MAX_REPLANS) throw error.problem;
    }
  }
}

/** A status with which Bitbucket refuses a `q` it cannot evaluate: 400, or 500 on some fields (BCLOUD-22709). */
function refusesQuery(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError && (error.status === 400 || error.status === 500);
}

/**
 * Makes every read of `stream` answer for what was pushed: an upstream refusal of `q` becomes a `Replan` once the
 * refused conjunct is found (`refusal`, shared by the query's streams, so the search runs once however many of
 * them were refused at the same time); after a replan is decided no stream calls Bitbucket again.
 */
export function guard(
  stream: RowStream,
  refusal: {
    decided?: Replan;
    failed(error: unknown, params: StreamParams): Promise<unknown>;
  },
): RowStream {
  // A failure becomes what `failed` makes of it (a Replan, or the failure itself).
  const failed = (error: unknown): Promise<never> =>
    refusal.failed(error, stream.params).then((problem) => {
      throw problem;
    });
  // One `then` on the read's own promise, not an async function awaiting it: a read through `guard` (every page's
  // `peek` and `next`, three a page) made two promises more than the stream's own read (the frame's and its await's,
  // async hooks being on), now one (spec/plan/collect-sorted-rows-in-hand). With the client's and the feed's cuts of
  // the same commit: 57.1 -> 49.1 promises per upstream call for `Commits?$top=100000&$select=Hash,Date`, 90 -> 74
  // for every pull request (issue #15: CPU per upstream call).
  const wrap =
    <T>(step: () => Promise<T>) =>
    (): Promise<T> => {
      if (refusal.decided) return Promise.reject(refusal.decided);
      let read: Promise<T>;
      try {
        read = step();
      } catch (error) {
        return failed(error);
      }
      return read.then(undefined, failed);
    };
  const { peek, next, upstreamSize, nextInHand } = stream;
  stream.peek = wrap(() => peek.call(stream));
  stream.next = wrap(() => next.call(stream));
  stream.upstreamSize = wrap(() => upstreamSize.call(stream));
  // A row in hand calls nothing upstream, so nothing can be refused; once a replan is decided it is refused as well,
  // as every read is.
  if (nextInHand) {
    stream.nextInHand = () => {
      if (refusal.decided) throw refusal.decided;
      return nextInHand.call(stream);
    };
  }
  return stream;
}

/**
 * The query-wide handler of a refused `q`: is it the `q` (the same list without `q` is accepted: one call), and which
 * conjuncts (`findRefusedConjuncts`, one call per question, asked with `pagelen=1&fields=size`)? Those fields are
 * withdrawn and the query replanned; the same `q` is never sent again. A failure that is not about `q` goes on as it
 * was. The client retries a 500 to a `q` once (`retries-of-500.ts`: one retry rides out a passing fault, where
 * three cost three calls for the same refusal); each question here is asked once (`retriesOf500: 0`): a 500 to it is
 * the answer, and a passing 500 taken for a refusal only withdraws a conjunct that the residual then decides.
 */
export function refusalHandler(def: EntitySetDefinition, list: ListRoute, plan: QueryPlan, boundConjuncts: (params: StreamParams) => BbqlConjunct[], ctx: ExecutionContext) {
  let search: Promise<unknown> | undefined;
  const handler = {
    decided: undefined as Replan | undefined,
    async failed(error: unknown, params: StreamParams): Promise<unknown> {
      const pushed = [...(plan.bbql.conjuncts ?? []), ...boundConjuncts(params)];
      const path = addressablePath(list.path, params);
      if (!refusesQuery(error) || pushed.length === 0 || path === undefined) return error;
      search ??= (async () => {
        const accepts = async (subset: readonly BbqlConjunct[]): Promise<boolean> => {
          const query: UpstreamQuery = {
            ...list.fixedQuery,
            pagelen: 1,
            fields: 'size',
          };
          if (subset.length > 0) query.q = subset.map((conjunct) => conjunct.text).join(' AND ');
          try {
            // A 500 is an answer here, not a fault to ride out (BCLOUD-22709): asked once, never repeated.
            await ctx.client.get<unknown>(path, query, ctx.credential, ctx.signal, { retriesOf500: 0 });
            return true;
          } catch (probeError) {
            if (refusesQuery(probeError)) return false;
            throw probeError;
          }
        };
        if (!(await accepts([]))) return error;
        const refused = await findRefusedConjuncts(pushed, accepts);
        const fields = [...new Set(refused.flatMap((conjunct) => conjunct.fields))];
        for (const field of fields) rememberRefusal(def.name, 'q', field);
        ctx.logger?.warn('Bitbucket refused a q field; it is evaluated here from now on', {
          entitySet: def.name,
          fields,
          status: error.status,
          upstreamMessage: error.upstreamMessage,
          url: error.url,
        });
        return (handler.decided = new Replan(error));
      })();
      return search;
    },
  };
  return handler;
}

/**
 * Checks that the rows of one stream come in the order of the pushed `sort` (its prefix): Bitbucket may ignore a
 * `sort` (evidence row 3), and an early stop or a `page=N` jump trusts it. Out of order, the sort is withdrawn for
 * good and the query replanned (read whole, sorted here); where rows were already skipped by `page=N`, nothing can
 * be rebuilt: a 502 that says so.
 */
export function orderCheck(def: EntitySetDefinition, plan: QueryPlan, prefix: (a: Row, b: Row) => number, startPage: number, ctx: ExecutionContext): (rows: readonly Row[]) => void {
  let last: Row | undefined;
  return (rows) => {
    for (const row of rows) {
      if (last !== undefined && prefix(last, row) > 0) {
        const sort = plan.upstreamSort as UpstreamSort;
        const sortText = `${sort.direction === 'desc' ? '-' : ''}${sort.field}`;
        rememberRefusal(def.name, 'sort', sort.field);
        const problem = new ODataError('UpstreamError', {
          upstreamStatus: 200,
          message: `${def.name} rows came out of the order of sort=${sortText} (Bitbucket ignored it)${
            startPage > 1 ? `, and $skip had been taken as page=${startPage} in that order, so the rows skipped are unknown; the sort is no longer pushed, retry the request` : ''
          }`,
        });
        if (startPage > 1) throw problem;
        ctx.logger?.warn('Bitbucket ignored a pushed sort; it is done here from now on', { entitySet: def.name, sort: sortText });
        throw new Replan(problem);
      }
      last = row;
    }
  };
}
