/**
 * The revision of each pull request a fan-out listed, for the lists that are a function of it (`ListRoute.revisionFrom`:
 * a pull request's commits and diffstat). The fan-out reads the revision's properties with the parent list (`fields=`,
 * no call more); each stream of the child list then hands its pull request's revision to the client, whose list memo
 * serves the list kept for the same revision instead of reading it again (src/bitbucket/pull-request-revision.ts says
 * why that is sound, list-memo.ts keeps them).
 *
 * Per request only (a WeakMap on the execution context): a revision is as old as the parent list it came from, never
 * older. A stream whose parent was not listed in this request (a client that named the pull request, a continuation
 * page that reused a kept parent list) has no revision, and its list is read as before.
 */
import type { PullRequestRevision } from '../bitbucket';
import type { ListRoute, RouteParameter } from '../entity-sets/model';
import type { Row } from '../odata/ast';
import type { ExecutionContext } from './execution-context';

/** What a fan-out reads besides the parent's own values: more of its columns, and who keeps the rows. */
export interface ParentColumns {
  columns: readonly string[];
  keep(rows: readonly Row[]): void;
}

const revisions = new WeakMap<ExecutionContext, Map<string, PullRequestRevision>>();

/** The parameter naming the pull request (the last that fans out), when `list` is a function of its revision. */
function revisionParent(list: ListRoute | undefined): { param: RouteParameter; from: NonNullable<ListRoute['revisionFrom']> } | undefined {
  if (!list?.revisionFrom) return undefined;
  for (let index = list.params.length - 1; index >= 0; index--) {
    const param = list.params[index];
    if (param.fanOut) return { param, from: list.revisionFrom };
  }
  return undefined;
}

/** The parent filter's route parameters, then the parameter itself: the parent's identity within its streams. */
function identityOf(param: RouteParameter, value: (property: string, paramName: string) => unknown): string {
  const fanOut = param.fanOut!;
  const parts = [...Object.entries(fanOut.parentFilters ?? {}).map(([property, paramName]) => value(property, paramName)), value(fanOut.property, param.name)];
  return JSON.stringify(parts.map(String));
}

/**
 * What the fan-out over `param` reads with the parent list when `list` is a function of its parent's revision: the
 * revision's columns (and the parent's identity), and a keeper recording each listed parent's revision for `ctx`.
 */
export function parentRevisionColumns(list: ListRoute | undefined, param: RouteParameter, ctx: ExecutionContext): ParentColumns | undefined {
  const parent = revisionParent(list);
  if (parent === undefined || parent.param !== param || !param.fanOut) return undefined;
  const { from } = parent;
  const fanOut = param.fanOut;
  const columns = [...new Set([...Object.keys(fanOut.parentFilters ?? {}), fanOut.property, ...Object.values(from)])];
  return {
    columns,
    keep(rows) {
      let kept = revisions.get(ctx);
      if (!kept) revisions.set(ctx, (kept = new Map()));
      for (const row of rows) {
        const text = (property: string) => (typeof row[property] === 'string' ? (row[property] as string) : '');
        const repository = Object.keys(fanOut.parentFilters ?? {}).map((property) => String(row[property])).join('/');
        kept.set(identityOf(param, (property) => row[property]), {
          repository,
          state: text(from.state),
          sourceRepository: text(from.sourceRepository),
          sourceBranch: text(from.sourceBranch),
          sourceHash: text(from.sourceHash),
          destinationBranch: text(from.destinationBranch),
          destinationHash: text(from.destinationHash),
        });
      }
    },
  };
}

/** The revision of the parent a stream of `list` belongs to, as this request's fan-out listed it; else undefined. */
export function revisionFor(ctx: ExecutionContext, list: ListRoute, params: Readonly<Record<string, string>>): PullRequestRevision | undefined {
  const parent = revisionParent(list);
  if (parent === undefined) return undefined;
  return revisions.get(ctx)?.get(identityOf(parent.param, (_property, paramName) => params[paramName]));
}
