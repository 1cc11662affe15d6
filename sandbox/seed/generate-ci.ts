import { formatMicros, MICROS_PER_SECOND } from './clock';
import type { History } from './generate-history';
import { Prng } from './prng';
import type {
  CommitStatusRecord, DeploymentRecord, EnvironmentRecord, PipelineRecord, PipelineResultName, PipelineStepRecord,
  PullRequestRecord, RepositoryRecord, UserRecord,
} from './records';
import { PIPELINE_IMAGES } from './vocabulary';

export interface CiData {
  commitStatuses: CommitStatusRecord[];
  pipelines: PipelineRecord[];
  pipelineSteps: PipelineStepRecord[];
  environments: EnvironmentRecord[];
  deployments: DeploymentRecord[];
}

const STATUS_KEYS = ['build', 'lint', 'SONAR-QG'] as const;
const STEP_NAMES = ['Build', 'Unit tests', 'Lint', 'Deploy to test'] as const;

const micros = (timestamp: string): number => Date.parse(timestamp) * 1000;

/**
 * Builds for one repository: commit statuses on pull request heads and recent main-line commits, pipelines (most
 * completed, the newest still running or pending) with their steps, three environments and deployments of
 * successful main-line pipelines. Repositories without a language have no CI at all (empty lists are a case too).
 */
export function generateCi(rng: Prng, repository: RepositoryRecord, history: History, pullRequests: PullRequestRecord[], members: UserRecord[], pipelineCount: number): CiData {
  const empty: CiData = { commitStatuses: [], pipelines: [], pipelineSteps: [], environments: [], deployments: [] };
  if (repository.language === '') return empty;
  const commitByHash = new Map(history.commits.map((c) => [c.hash, c]));

  const commitStatuses: CommitStatusRecord[] = [];
  const addStatuses = (hash: string, refname: string | null) => {
    const commit = commitByHash.get(hash);
    if (!commit || commitStatuses.some((s) => s.commitHash === hash)) return;
    for (const key of rng.sample(STATUS_KEYS, rng.int(1, 2))) {
      const created = micros(commit.date) + rng.int(30, 900) * MICROS_PER_SECOND;
      const state = rng.pick(['SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL', 'FAILED', 'INPROGRESS', 'STOPPED'] as const);
      commitStatuses.push({
        uuid: rng.uuid(), commitHash: hash, key, refname, state,
        url: `https://ci.example.com/${repository.slug}/builds/${rng.int(1, 99999)}`,
        name: key === 'build' ? `Build #${rng.int(1, 5000)}` : key === 'lint' ? 'Lint "strict" mode' : 'SonarQube quality gate',
        description: state === 'FAILED' ? 'Tests failed' : state === 'INPROGRESS' ? '' : 'All checks passed',
        createdOn: formatMicros(created),
        updatedOn: formatMicros(created + (state === 'INPROGRESS' ? 0 : rng.int(60, 1800) * MICROS_PER_SECOND)),
      });
    }
  };
  for (const pr of pullRequests) addStatuses(pr.sourceHash, pr.sourceBranch);
  history.commits.slice(0, 5).forEach((c) => addStatuses(c.hash, null));

  // Pipelines run on recent commits; the most recent are still pending or running.
  const candidates = history.commits.slice(0, Math.max(pipelineCount * 2, 1));
  const targets = rng.sample(candidates, pipelineCount).sort((a, b) => (a.date < b.date ? -1 : 1));
  const mainTip = history.branches[0].targetHash;
  const pipelines: PipelineRecord[] = [];
  const pipelineSteps: PipelineStepRecord[] = [];
  targets.forEach((commit, index) => {
    const fromBranch = history.branches.find((b) => b.targetHash === commit.hash);
    const onTag = !fromBranch && history.tags.find((t) => t.targetHash === commit.hash);
    const refName = fromBranch ? fromBranch.name : onTag ? onTag.name : history.branches[0].name;
    const created = micros(commit.date) + rng.int(5, 120) * MICROS_PER_SECOND;
    const last = index === targets.length - 1;
    const stateName = last && commit.hash !== mainTip ? 'PENDING' : last ? 'IN_PROGRESS' : 'COMPLETED';
    const resultName: PipelineResultName | null = stateName !== 'COMPLETED' ? null : rng.pick(['SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL', 'FAILED', 'STOPPED', 'ERROR'] as const);
    const seconds = rng.int(20, 1800);
    const pipeline: PipelineRecord = {
      uuid: rng.uuid(), buildNumber: index + 1, creatorUuid: rng.pick(members).uuid,
      refType: onTag ? 'tag' : 'branch', refName, commitHash: commit.hash,
      selectorType: onTag ? 'tags' : refName === repository.mainBranch ? 'branches' : rng.pick(['branches', 'default', 'custom'] as const),
      selectorPattern: onTag ? 'v*' : refName === repository.mainBranch ? repository.mainBranch : '**',
      triggerName: rng.pick(['PUSH', 'PUSH', 'PUSH', 'MANUAL', 'SCHEDULED'] as const),
      stateName, resultName,
      createdOn: formatMicros(created),
      completedOn: stateName === 'COMPLETED' ? formatMicros(created + seconds * MICROS_PER_SECOND) : null,
      buildSecondsUsed: stateName === 'COMPLETED' ? seconds : 0,
    };
    pipelines.push(pipeline);
    const stepCount = rng.int(1, 3);
    let stepStart = created + rng.int(2, 30) * MICROS_PER_SECOND;
    for (let s = 0; s < stepCount; s++) {
      const failedBefore = pipelineSteps.some((p) => p.pipelineUuid === pipeline.uuid && p.resultName !== 'SUCCESSFUL');
      const stepResult = stateName !== 'COMPLETED' ? null : failedBefore ? 'NOT_RUN' : s === stepCount - 1 ? resultName : 'SUCCESSFUL';
      const ran = stepResult !== null && stepResult !== 'NOT_RUN';
      const duration = Math.floor(seconds / stepCount) * MICROS_PER_SECOND;
      pipelineSteps.push({
        uuid: rng.uuid(), pipelineUuid: pipeline.uuid, name: STEP_NAMES[s], image: rng.pick(PIPELINE_IMAGES),
        scriptCommands: ['npm ci', s === 1 ? 'npm test -- --ci' : 'npm run build'],
        stateName: stateName === 'COMPLETED' ? 'COMPLETED' : s === 0 && stateName === 'IN_PROGRESS' ? 'IN_PROGRESS' : 'PENDING',
        resultName: stepResult,
        startedOn: ran || (s === 0 && stateName === 'IN_PROGRESS') ? formatMicros(stepStart) : null,
        completedOn: ran ? formatMicros(stepStart + duration) : null,
      });
      stepStart += duration;
    }
  });

  const environments: EnvironmentRecord[] = (['Test', 'Staging', 'Production'] as const).map((environmentType, rank) => ({
    uuid: rng.uuid(), name: environmentType, slug: environmentType.toLowerCase(), environmentType, rank,
  }));
  const deployments: DeploymentRecord[] = [];
  for (const pipeline of pipelines) {
    if (pipeline.resultName !== 'SUCCESSFUL' || pipeline.refType !== 'branch' || pipeline.refName !== repository.mainBranch) continue;
    const completed = micros(pipeline.completedOn!);
    environments.forEach((environment, rank) => {
      if (rank > 0 && !rng.chance(rank === 1 ? 0.5 : 0.25)) return;
      const start = completed + (rank + 1) * rng.int(60, 3600) * MICROS_PER_SECOND;
      deployments.push({
        uuid: rng.uuid(), environmentUuid: environment.uuid, releaseUuid: rng.uuid(), releaseName: `#${pipeline.buildNumber}`,
        pipelineUuid: pipeline.uuid, commitHash: pipeline.commitHash, deployerUuid: pipeline.creatorUuid,
        statusName: rng.pick(['SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL', 'FAILED', 'STOPPED'] as const),
        startDate: formatMicros(start), completionDate: formatMicros(start + rng.int(20, 600) * MICROS_PER_SECOND),
      });
    });
  }
  return { commitStatuses, pipelines, pipelineSteps, environments, deployments };
}
