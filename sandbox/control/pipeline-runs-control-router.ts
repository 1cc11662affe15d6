import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import type { PipelineStepRecord } from '../seed/records';
import type { SandboxStore } from '../store/sandbox-store';

const MAX_RUNS = 1000;
/** Build seconds a rerun step uses in the sandbox (any positive number: a rerun adds build minutes). */
const RERUN_STEP_SECONDS = 60;

/**
 * Mounted by the app at `/_sandbox/pipeline-runs`. The seed has at most a dozen pipeline runs per repository and the
 * API cannot start one, yet real Bitbucket's missing `next` on pipelines (quirk `pipelines-without-next`, evidence
 * row 1) only matters past one full page (100 runs). So:
 * - `POST / {"workspace": "acme-dev", "repository": "platform-api", "count": 101}` → appends that many completed runs
 *   after the newest one (copies of it with the next build numbers, new UUIDs, no steps, `created_on` from the write
 *   clock) → `{added, total}`; 400 for a bad body, 404 for an unknown repository. `POST /_sandbox/reset` removes them.
 * - `POST /rerun {"workspace", "repository", "pipeline": "{uuid}", "finish": false}` reruns a completed pipeline's
 *   failed steps, as Bitbucket's "Rerun failed steps" does: in the same pipeline (same uuid and build number; Atlassian,
 *   community.atlassian.com/t5/Bitbucket-questions/About-the-BITBUCKET-STEP-RUN-NUMBER-Default-Variable/qaq-p/1319257).
 *   Every step not SUCCESSFUL runs again: the pipeline is IN_PROGRESS (RUNNING), the first of those steps IN_PROGRESS,
 *   the others PENDING. `"finish": true` then completes the rerun: those steps and the pipeline SUCCESSFUL, completed
 *   at the write clock, with more build seconds. → `{steps, state}`; 409 when there is nothing to rerun or finish.
 */
/** A step run again: running (started at `startedOn`) or waiting its turn (null). */
function rerunStep(step: PipelineStepRecord, startedOn: string | null): void {
  Object.assign(step, { stateName: startedOn === null ? 'PENDING' : 'IN_PROGRESS', resultName: null, startedOn, completedOn: null });
}

export function createPipelineRunsControlRouter(store: SandboxStore): Router {
  const router = express.Router();
  router.use(express.json());
  router.post('/', (req, res) => {
    const { workspace, repository, count } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof workspace !== 'string' || typeof repository !== 'string' || typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_RUNS) {
      res.status(400).json({ errors: [`Send {"workspace": slug, "repository": slug, "count": 1..${MAX_RUNS}}`] });
      return;
    }
    const workspaceRecord = store.findWorkspace(workspace);
    const data = workspaceRecord && store.findRepository(workspaceRecord.uuid, repository);
    if (!data) {
      res.status(404).json({ errors: [`No repository ${workspace}/${repository} in the sandbox`] });
      return;
    }
    const newest = data.pipelines.reduce((latest, run) => (run.buildNumber > latest.buildNumber ? run : latest), data.pipelines[0]);
    if (!newest) {
      res.status(400).json({ errors: [`${workspace}/${repository} has no pipeline run to copy`] });
      return;
    }
    for (let index = 1; index <= count; index += 1) {
      const createdOn = store.writeTimestamp().formatted;
      data.pipelines.push({
        ...newest,
        uuid: `{${randomUUID()}}`,
        buildNumber: newest.buildNumber + index,
        stateName: 'COMPLETED',
        resultName: 'SUCCESSFUL',
        createdOn,
        completedOn: createdOn,
      });
    }
    res.json({ added: count, total: data.pipelines.length });
  });
  router.post('/rerun', (req, res) => {
    const { workspace, repository, pipeline: uuid, finish = false } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof workspace !== 'string' || typeof repository !== 'string' || typeof uuid !== 'string' || typeof finish !== 'boolean') {
      res.status(400).json({ errors: ['Send {"workspace": slug, "repository": slug, "pipeline": "{uuid}", "finish": false|true}'] });
      return;
    }
    const workspaceRecord = store.findWorkspace(workspace);
    const data = workspaceRecord && store.findRepository(workspaceRecord.uuid, repository);
    const run = data?.pipelines.find((candidate) => candidate.uuid === uuid);
    if (!data || !run) {
      res.status(404).json({ errors: [`No pipeline ${uuid} in ${workspace}/${repository} in the sandbox`] });
      return;
    }
    const steps = data.pipelineSteps.filter((step) => step.pipelineUuid === uuid);
    if (!finish) {
      const failed = steps.filter((step) => step.stateName === 'COMPLETED' && step.resultName !== 'SUCCESSFUL');
      if (run.stateName !== 'COMPLETED' || failed.length === 0) {
        res.status(409).json({ errors: [`Pipeline ${uuid} is ${run.stateName} with no failed step: nothing to rerun`] });
        return;
      }
      const startedOn = store.writeTimestamp().formatted;
      failed.forEach((step, index) => rerunStep(step, index === 0 ? startedOn : null));
      Object.assign(run, { stateName: 'IN_PROGRESS', resultName: null, completedOn: null });
      res.json({ steps: failed.length, state: run.stateName });
      return;
    }
    const running = steps.filter((step) => step.stateName !== 'COMPLETED');
    if (run.stateName !== 'IN_PROGRESS' || running.length === 0) {
      res.status(409).json({ errors: [`Pipeline ${uuid} is ${run.stateName} with no step running: nothing to finish`] });
      return;
    }
    for (const step of running) {
      const startedOn = step.startedOn ?? store.writeTimestamp().formatted;
      Object.assign(step, { stateName: 'COMPLETED', resultName: 'SUCCESSFUL', startedOn, completedOn: store.writeTimestamp().formatted });
    }
    Object.assign(run, {
      stateName: 'COMPLETED',
      resultName: 'SUCCESSFUL',
      completedOn: store.writeTimestamp().formatted,
      buildSecondsUsed: run.buildSecondsUsed + RERUN_STEP_SECONDS * running.length,
    });
    res.json({ steps: running.length, state: run.stateName });
  });
  return router;
}
