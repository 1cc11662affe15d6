/**
 * What a pipeline's steps are a function of (issue #14 item 3): pure helpers for ListMemo, which keeps a pipeline's
 * step list under the validator computed here and serves it again, without a call, while the validator is unchanged.
 * The revision comes from the pipeline list the fan-out reads anyway (src/plan/parent-revisions.ts): no call more.
 *
 * What Bitbucket states (official OpenAPI description, `definitions.pipeline`): a pipeline has `uuid`, `build_number`,
 * `state` (`pipeline_state_pending`, `pipeline_state_in_progress` with a `stage` RUNNING or PAUSED, or
 * `pipeline_state_completed` with a `result`: SUCCESSFUL, FAILED, ERROR, STOPPED, EXPIRED), `created_on`, `completed_on`
 * ("not set if the pipeline is still in progress") and `build_seconds_used`. A step (`definitions.pipeline_step`) has its
 * own state, `started_on` and `completed_on`. While a pipeline runs its steps change, so only a COMPLETED one is kept.
 *
 * A completed pipeline does not stay completed for good: Bitbucket can rerun its failed steps, and that happens in the
 * same pipeline, not in a new one. Atlassian's answer on BITBUCKET_STEP_RUN_NUMBER ("Number of times a step has been
 * executed per pipeline"; community.atlassian.com/t5/Bitbucket-questions/About-the-BITBUCKET-STEP-RUN-NUMBER-Default-Variable/qaq-p/1319257):
 * "When a pipeline fails, there's an option to rerun just the failed steps … BITBUCKET_STEP_RUN_NUMBER … will be greater
 * than 1"; cypress-io/cypress#9309: rerunning failed steps "does NOT create a new pipeline, instead it increments"
 * that number; bitbucket.org/blog/rerun-failed-pipeline-steps: the UI shows "how many times a step has been rerun so
 * that you can keep track of your build minutes". A paused pipeline (deployment concurrency control) may be resumed
 * "at the step it became paused" (support.atlassian.com/bitbucket-cloud/docs/concurrency-control). No public record
 * gives the pipeline object before and after a rerun, so the validator holds everything the rerun must move: the
 * state and result (the pipeline runs again, IN_PROGRESS, and completes with a result of its own), `completed_on` (it
 * completes again, later) and `build_seconds_used` (build minutes are "minutes when your pipeline status is 'In
 * progress'", Bitbucket Pipelines FAQ: the rerun steps add theirs). A rerun that changed none of them would have to
 * complete at the same instant as before having used no build second: that is the case this cannot see. Whether
 * rerunning the whole pipeline ("Rerun the whole pipeline from the beginning", same page) makes a new pipeline (a list
 * of its own) or runs this one again, no record we found says; either way the same three things move.
 */

/** A pipeline as the pipeline list states it: whose step list a later read may reuse. */
export interface PipelineRevision {
  kind: 'pipeline';
  /** `state.name`: PENDING, IN_PROGRESS or COMPLETED. */
  state: string;
  /** `state.result.name` of a completed pipeline; '' otherwise. */
  result: string;
  /** `completed_on` as Bitbucket wrote it; '' while the pipeline runs. */
  completedOn: string;
  /** `build_seconds_used`, in decimal; '' when absent. */
  buildSecondsUsed: string;
}

/** `/repositories/{workspace}/{repo_slug}/pipelines/{pipeline_uuid}/steps`. */
const STEP_LIST = /^\/repositories\/[^/]+\/[^/]+\/pipelines\/[^/]+\/steps$/;

/** Whether `path` is a pipeline's step list. */
export function isPipelineStepList(path: string): boolean {
  return STEP_LIST.test(path);
}

/**
 * The validator of a pipeline's step list: equal strings mean equal lists. Undefined (read in full every time, never
 * kept) unless the pipeline is COMPLETED with a result, a completion time and its build seconds.
 */
export function pipelineStepsValidator(revision: PipelineRevision): string | undefined {
  const { state, result, completedOn, buildSecondsUsed } = revision;
  if (state !== 'COMPLETED' || result === '' || completedOn === '' || !/^\d+$/.test(buildSecondsUsed)) return undefined;
  return JSON.stringify(['steps', state, result, completedOn, buildSecondsUsed]);
}
