/**
 * The streams of a read by rule `stopAfterStream` (`read-strategy.ts`), one at a time in the answer's order, resolved
 * only as far as they are read (issue #15): the parents are listed depth first, each level sorted by its key property
 * as the order asks, so `PullRequestComments?$top=5` lists the workspaces, the first workspace's repositories, the
 * first repository's pull requests and reads the first pull request's comments (4 calls), instead of listing every
 * repository's pull requests first. Only where the order starts with the route parameters' properties in the route's
 * own order (`resolvesInKeyOrder`), so depth first is the answer's order.
 */
import type { ODataQuery } from '../odata/ast';
import { compareRows } from '../odata/evaluate';
import { ODataError } from '../odata/errors';
import type { EdmEntitySet } from '../odata/edm';
import type { RouteParameter } from '../entity-sets/model';
import type { ExecutionContext } from './execution-context';
import type { QueryPlan } from './plan-query';
import { readStrategy, stopsAfterStream, type ReadStrategyOptions } from './read-strategy';
import { streamConstants, usableValues, valuesFor, type ParentLister, type StreamParams } from './resolve-streams';

/**
 * Whether the streams are resolved in key order, as far as they are read: the order's leading items are the route
 * parameters', in route order, and the streams are read one after another until `need` rows are in hand. That is rule
 * `stopAfterStream`, and rule `stopEarly` with streams combined `in-turn` (pull requests, commits: Bitbucket orders
 * each stream) on a first page with no `$count` (a count reads every stream's `size`) where some parameter fans out
 * (else there is nothing to list lazily): `PullRequests?$top=20` lists the workspaces and the first workspace's
 * repositories, not the second workspace's too.
 */
export function resolvesInKeyOrder(
  plan: QueryPlan,
  params: readonly RouteParameter[],
  query: Pick<ODataQuery, 'top' | 'count' | 'skip' | 'filter'>,
  options: Pick<ReadStrategyOptions, 'pushdown'> & Partial<Pick<ReadStrategyOptions, 'wholeAnswer' | 'reportOrdered' | 'afterCursor' | 'trustNewestFirst'>>,
): boolean {
  if (!params.every((param, index) => plan.order[index]?.property === param.property)) return false;
  if (stopsAfterStream(plan, query, { ...options, streams: 2 })) return true;
  if (options.afterCursor === true || query.count || !params.some((param) => param.fanOut !== undefined && plan.fixedParams[param.name] === undefined)) return false;
  const strategy = readStrategy(plan, query, {
    pushdown: options.pushdown,
    streams: 2,
    afterCursor: false,
    cursorInStream: false,
    reportOrdered: options.reportOrdered === true,
    wholeAnswer: options.wholeAnswer === true,
    ...(options.trustNewestFirst !== undefined ? { trustNewestFirst: options.trustNewestFirst } : {}),
  });
  return strategy.stopEarly && strategy.combine === 'in-turn';
}

/**
 * The stream parameters in the answer's order, each level listed only when reached; `keep` drops a partial stream
 * (one wholly before a keyset cursor) before anything under it is listed. More than `maxFanOut` streams is refused as
 * in `resolveStreams`.
 *
 * `early` (optional) is told each stream of the last level as soon as an upstream page of its parent list names it,
 * before the list's next page is read (issue #15.5: acme-dev's two repository pages cost two latencies before the
 * first pull request was asked for): a read that needs every stream anyway may start reading it (`readAhead`), while
 * the streams are still yielded here in the answer's order once the list is whole. Not past the fan-out limit: a
 * list that passes it is refused (the streams told before its last page are then read for nothing, as when a read
 * fails midway).
 */
export async function* streamsInKeyOrder(
  plan: QueryPlan,
  params: readonly RouteParameter[],
  edm: EdmEntitySet,
  ctx: ExecutionContext,
  listParent: ParentLister,
  keep?: (partial: StreamParams) => boolean,
  early?: (stream: StreamParams) => void,
): AsyncGenerator<StreamParams> {
  const limit = ctx.limits.maxFanOut;
  let yielded = 0;
  const tooWide = (count: number, param: RouteParameter) =>
    new ODataError('FanOutTooWide', {
      count,
      unit: param.fanOut?.entitySet.toLowerCase() ?? param.name,
      limit,
      properties: params.map((each) => each.property).join(' or '),
    });
  async function* expand(partial: StreamParams, index: number): AsyncGenerator<StreamParams> {
    if (index === params.length) {
      yield partial;
      return;
    }
    const param = params[index];
    const known = params.slice(0, index + 1);
    const byOrder = compareRows([plan.order[index]], [], edm);
    // MAX_FAN_OUT bounds the streams known so far, as `resolveStreams` bounds them all: a parent list is asked for no
    // more values than still fit, plus one (not where a keyset cursor drops some of them afterwards), and more is
    // refused before any stream under them is read.
    const room = index === params.length - 1 ? limit - yielded : limit;
    const told = new Set<string>();
    const onPage =
      early && index === params.length - 1
        ? (page: readonly string[]) => {
            for (const value of usableValues(param, [...page])) {
              if (told.has(value)) continue;
              told.add(value);
              // Within the limit so far; a list that passes it is refused before any stream under it is read.
              if (told.size > room) return;
              const child = { ...partial, [param.name]: value };
              if (keep === undefined || keep(child)) early(child);
            }
          }
        : undefined;
    const values = usableValues(param, await valuesFor(param, partial, plan, ctx, listParent, keep ? undefined : room + 1, onPage));
    const children = [...new Set(values)]
      .map((value) => ({ ...partial, [param.name]: value }))
      .filter(keep ?? (() => true));
    if (children.length > room) throw tooWide(index === params.length - 1 ? yielded + children.length : children.length, param);
    children.sort((a, b) => byOrder(streamConstants(plan.def, known, a), streamConstants(plan.def, known, b)));
    if (index === params.length - 1) yielded += children.length;
    for (const child of children) yield* expand(child, index + 1);
  }
  yield* expand({}, 0);
}
