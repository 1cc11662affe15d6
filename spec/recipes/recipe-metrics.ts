/**
 * The logic of the recipes in docs/recipes/, once, in TypeScript: each function mirrors the Power Query M steps
 * (which columns are read, which rows kept, how rows are joined) and the DAX measures (what is aggregated) of
 * `pull-request-cycle-time.pq`/`.dax` and `dora.pq`/`.dax`. `metrics.spec.ts` feeds it rows read through the
 * gateway and compares the result with the same metrics computed straight from the sandbox's seed records, so a
 * recipe that reads the wrong column or keeps the wrong rows fails there.
 *
 * Inputs are OData rows (the gateway's property names); times are ISO 8601 strings; durations are hours.
 */

export type Row = Record<string, unknown>;

/** The columns each recipe query selects (`Table.SelectColumns` in the M files; the spec checks they are there). */
export const RECIPE_COLUMNS = {
  PullRequests: ['Workspace', 'RepositorySlug', 'Id', 'State', 'AuthorUuid', 'CreatedOn', 'UpdatedOn'],
  PullRequestActivity: ['Workspace', 'RepositorySlug', 'PullRequestId', 'Kind', 'Date', 'ActorUuid', 'NewState'],
  Deployments: ['Workspace', 'RepositorySlug', 'Uuid', 'EnvironmentUuid', 'State', 'Status', 'CompletedOn', 'CommitHash'],
  Environments: ['Workspace', 'RepositorySlug', 'Uuid', 'EnvironmentType'],
  Commits: ['Workspace', 'RepositorySlug', 'Hash', 'Date'],
  Pipelines: ['Workspace', 'RepositorySlug', 'Uuid', 'State', 'Result', 'TargetRefName', 'CompletedOn'],
} as const;

/** Review events: what counts as "someone looked at it" (M: `ReviewKinds`). */
export const REVIEW_KINDS = ['APPROVAL', 'CHANGES_REQUESTED', 'COMMENT'] as const;

const HOUR_MS = 3_600_000;
const hours = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / HOUR_MS;
const earliest = (dates: string[]): string | null =>
  dates.length === 0 ? null : dates.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));

/** DAX `MEDIAN` over the non-blank values: the mean of the two middle values when their number is even. */
export function median(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const middle = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[middle] : (known[middle - 1] + known[middle]) / 2;
}

export interface PullRequestCycle {
  key: string;
  createdOn: string;
  firstReviewOn: string | null;
  firstApprovalOn: string | null;
  mergedOn: string | null;
  /** Open → first review, first review → first approval, first approval → merge, open → merge (hours). */
  timeToFirstReview: number | null;
  reviewToApproval: number | null;
  approvalToMerge: number | null;
  cycleTime: number | null;
}

const prKey = (row: Row, idColumn: string): string => `${String(row.Workspace)}/${String(row.RepositorySlug)}#${String(row[idColumn])}`;

/**
 * `pull-request-cycle-time.pq`: one row per pull request, in every state (so time to first review counts declined
 * and open ones too); from its activity, the first review event (APPROVAL, CHANGES_REQUESTED or COMMENT) by anyone
 * but the author, the first APPROVAL by anyone but the author, and the first UPDATE whose NewState is MERGED.
 */
export function pullRequestCycles(pullRequests: Row[], activity: Row[]): PullRequestCycle[] {
  const byPr = new Map<string, Row[]>();
  for (const event of activity) {
    const key = prKey(event, 'PullRequestId');
    byPr.set(key, [...(byPr.get(key) ?? []), event]);
  }
  return pullRequests.map((pr) => {
    const key = prKey(pr, 'Id');
    const events = byPr.get(key) ?? [];
    const byOthers = events.filter((event) => event.ActorUuid !== null && event.ActorUuid !== pr.AuthorUuid);
    const createdOn = String(pr.CreatedOn);
    const firstReviewOn = earliest(byOthers.filter((event) => (REVIEW_KINDS as readonly unknown[]).includes(event.Kind)).map((event) => String(event.Date)));
    const firstApprovalOn = earliest(byOthers.filter((event) => event.Kind === 'APPROVAL').map((event) => String(event.Date)));
    const mergedOn = earliest(events.filter((event) => event.Kind === 'UPDATE' && event.NewState === 'MERGED').map((event) => String(event.Date)));
    const span = (from: string | null, to: string | null): number | null => (from && to ? hours(from, to) : null);
    return {
      key, createdOn, firstReviewOn, firstApprovalOn, mergedOn,
      timeToFirstReview: span(createdOn, firstReviewOn),
      reviewToApproval: span(firstReviewOn, firstApprovalOn),
      approvalToMerge: span(firstApprovalOn, mergedOn),
      cycleTime: span(createdOn, mergedOn),
    };
  });
}

/**
 * `pull-request-cycle-time.dax`: the medians (hours; MEDIAN skips blanks, so each stage covers the pull requests that
 * reached it) and how many pull requests were merged.
 */
export function cycleTimeMeasures(cycles: PullRequestCycle[]): Record<string, number | null> {
  const merged = cycles.filter((c) => c.mergedOn !== null);
  return {
    mergedPullRequests: merged.length,
    medianTimeToFirstReview: median(cycles.map((c) => c.timeToFirstReview)),
    medianReviewToApproval: median(cycles.map((c) => c.reviewToApproval)),
    medianApprovalToMerge: median(cycles.map((c) => c.approvalToMerge)),
    medianCycleTime: median(cycles.map((c) => c.cycleTime)),
    mergedWithoutApproval: merged.filter((c) => c.firstApprovalOn === null).length,
  };
}

export interface Dora {
  /** Successful production deployments, and per ISO week (Monday, UTC) of CompletedOn. */
  deployments: number;
  deploymentsPerWeek: Record<string, number>;
  /** Median hours from the deployed commit's Date to the deployment's CompletedOn (successful production ones). */
  medianLeadTimeHours: number | null;
  /** FAILED / (SUCCESSFUL + FAILED) production deployments; STOPPED ones are left out. */
  changeFailureRate: number | null;
  /** Median hours from a FAILED production deployment to the next SUCCESSFUL one of the same environment. */
  medianTimeToRestoreHours: number | null;
  /** FAILED production deployments with no later success (not in the median). */
  unrestoredFailures: number;
  /** Fallback without Deployments: main-branch pipelines, SUCCESSFUL count and (FAILED + ERROR) / completed non-STOPPED. */
  mainPipelineSuccesses: number;
  mainPipelineFailureRate: number | null;
}

/** Monday 00:00 UTC of the week `iso` falls in, as `YYYY-MM-DD` (DAX: `CompletedOn - WEEKDAY(CompletedOn, 3)`). */
export function weekOf(iso: string): string {
  const day = new Date(Date.parse(iso));
  const monday = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) - ((day.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday).toISOString().slice(0, 10);
}

/**
 * `dora.pq` and `dora.dax`. Production = environments whose EnvironmentType is 'Production'; a deployment counts once
 * completed (State 'COMPLETED'). `mainBranches` maps `workspace/slug` to the repository's main branch (the
 * Repositories set's MainBranch) for the pipeline fallback.
 */
export function dora(deployments: Row[], environments: Row[], commits: Row[], pipelines: Row[], mainBranches: Map<string, string>): Dora {
  const repo = (row: Row): string => `${String(row.Workspace)}/${String(row.RepositorySlug)}`;
  const production = new Set(environments.filter((env) => env.EnvironmentType === 'Production').map((env) => `${repo(env)}|${String(env.Uuid)}`));
  const done = deployments
    .filter((d) => production.has(`${repo(d)}|${String(d.EnvironmentUuid)}`) && d.State === 'COMPLETED' && d.CompletedOn !== null)
    .sort((a, b) => Date.parse(String(a.CompletedOn)) - Date.parse(String(b.CompletedOn)));
  const successful = done.filter((d) => d.Status === 'SUCCESSFUL');
  const failed = done.filter((d) => d.Status === 'FAILED');

  const deploymentsPerWeek: Record<string, number> = {};
  for (const d of successful) {
    const week = weekOf(String(d.CompletedOn));
    deploymentsPerWeek[week] = (deploymentsPerWeek[week] ?? 0) + 1;
  }

  const commitDate = new Map(commits.map((c) => [`${repo(c)}|${String(c.Hash)}`, String(c.Date)]));
  const leadTimes = successful.map((d) => {
    const date = commitDate.get(`${repo(d)}|${String(d.CommitHash)}`);
    return date ? hours(date, String(d.CompletedOn)) : null;
  });

  const restores: number[] = [];
  let unrestoredFailures = 0;
  for (const failure of failed) {
    const next = successful.find((d) => repo(d) === repo(failure) && d.EnvironmentUuid === failure.EnvironmentUuid
      && Date.parse(String(d.CompletedOn)) > Date.parse(String(failure.CompletedOn)));
    if (next) restores.push(hours(String(failure.CompletedOn), String(next.CompletedOn)));
    else unrestoredFailures++;
  }

  const mainRuns = pipelines.filter((p) => p.State === 'COMPLETED' && p.TargetRefName === mainBranches.get(repo(p)) && p.Result !== 'STOPPED');
  const mainFailures = mainRuns.filter((p) => p.Result === 'FAILED' || p.Result === 'ERROR').length;

  return {
    deployments: successful.length,
    deploymentsPerWeek,
    medianLeadTimeHours: median(leadTimes),
    changeFailureRate: successful.length + failed.length === 0 ? null : failed.length / (successful.length + failed.length),
    medianTimeToRestoreHours: median(restores),
    unrestoredFailures,
    mainPipelineSuccesses: mainRuns.filter((p) => p.Result === 'SUCCESSFUL').length,
    mainPipelineFailureRate: mainRuns.length === 0 ? null : mainFailures / mainRuns.length,
  };
}
