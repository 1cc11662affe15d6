/**
 * The revision of each parent a fan-out listed, for the lists that are a function of it (`ListRoute.revisionFrom`: a
 * pull request's commits and diffstat, a pipeline's steps). The fan-out reads the revision's properties with the parent
 * list (`fields=`, no call more); each stream of the child list then hands its parent's revision to the client, whose
 * list memo serves the list kept for the same revision instead of reading it again (src/bitbucket/pull-request-revision.ts
 * and pipeline-revision.ts say why that is sound, list-memo.ts keeps them).
 *
 * Per request only (a WeakMap on the execution context): a revision is as old as the parent list it came from, never
 * older. A stream whose parent was not listed in this request (a client that named the pull request, a continuation
 * page that reused a kept parent list) has no revision, and its list is read as before.
 */
import type { ListRevision } from '../bitbucket';
import type { ListRoute, RevisionFrom, RouteParameter } from '../entity-sets/model';
import type { LiteralValue, Row } from '../odata/ast';
import type { ExecutionContext } from './execution-context';

/** What a fan-out reads besides the parent's own values: more of its columns, and who keeps the rows. */
export interface ParentColumns {
  columns: readonly string[];
  keep(rows: readonly Row[]): void;
}

const revisions = new WeakMap<ExecutionContext, Map<string, ListRevision>>();

/** A revision part as text: a string as listed, a number (build seconds) in decimal; '' when absent. */
function partText(value: LiteralValue | undefined): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** The revision a parent row states, of the kind `from` declares. */
function revisionOf(from: RevisionFrom, repository: string, text: (property: string) => string): ListRevision {
  if (from.kind === 'pipeline') {
    const { state, result, completedOn, buildSecondsUsed } = from.columns;
    return { kind: 'pipeline', state: text(state), result: text(result), completedOn: text(completedOn), buildSecondsUsed: text(buildSecondsUsed) };
  }
  const { columns } = from;
  return {
    kind: 'pull-request',
    repository,
    state: text(columns.state),
    sourceRepository: text(columns.sourceRepository),
    sourceBranch: text(columns.sourceBranch),
    sourceHash: text(columns.sourceHash),
    destinationBranch: text(columns.destinationBranch),
    destinationHash: text(columns.destinationHash),
  };
}

/** The parameter naming the parent (the last that fans out), when `list` is a function of its revision. */
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
  const columns = [...new Set([...Object.keys(fanOut.parentFilters ?? {}), fanOut.property, ...Object.values(from.columns)])];
  return {
    columns,
    keep(rows) {
      let kept = revisions.get(ctx);
      if (!kept) revisions.set(ctx, (kept = new Map()));
      for (const row of rows) {
        const repository = Object.keys(fanOut.parentFilters ?? {}).map((property) => String(row[property])).join('/');
        kept.set(identityOf(param, (property) => row[property]), revisionOf(from, repository, (property) => partText(row[property])));
      }
    },
  };
}

/** The revision of the parent a stream of `list` belongs to, as this request's fan-out listed it; else undefined. */
export function revisionFor(ctx: ExecutionContext, list: ListRoute, params: Readonly<Record<string, string>>): ListRevision | undefined {
  const parent = revisionParent(list);
  if (parent === undefined) return undefined;
  return revisions.get(ctx)?.get(identityOf(parent.param, (_property, paramName) => params[paramName]));
}
