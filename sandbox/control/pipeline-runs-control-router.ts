import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import type { SandboxStore } from '../store/sandbox-store';

const MAX_RUNS = 1000;

/**
 * Mounted by the app at `/_sandbox/pipeline-runs`. The seed has at most a dozen pipeline runs per repository and the
 * API cannot start one, yet real Bitbucket's missing `next` on pipelines (quirk `pipelines-without-next`, evidence
 * row 1) only matters past one full page (100 runs). So:
 * - `POST / {"workspace": "acme-dev", "repository": "platform-api", "count": 101}` → appends that many completed runs
 *   after the newest one (copies of it with the next build numbers, new UUIDs, no steps, `created_on` from the write
 *   clock) → `{added, total}`; 400 for a bad body, 404 for an unknown repository. `POST /_sandbox/reset` removes them.
 */
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
  return router;
}
