import type { PipelineRevision } from './pipeline-revision';
import type { PullRequestRevision } from './pull-request-revision';

/**
 * The parent a sub-list is a function of, as the parent's list (read by the fan-out anyway) states it: a pull request
 * (its commits and diffstat, pull-request-revision.ts) or a pipeline (its steps, pipeline-revision.ts). ListMemo serves
 * the sub-list kept under the same revision without a call.
 */
export type ListRevision = PullRequestRevision | PipelineRevision;
