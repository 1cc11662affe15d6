import { randomUUID } from 'node:crypto';
import type { ProjectRecord, RepositoryData, RepositoryRecord } from '../../seed/records';
import { presentRepository } from '../../routes/present/present-repository';
import { slugify } from '../../seed/slugify';
import { grantedAccess, hasAccess } from '../access-level';
import { fieldError } from '../body-reader';
import type { WriteContext, WriteRoute, WriteResult } from '../write-route';
import { writeErrors } from '../write-errors';

const FORK_POLICIES = ['allow_forks', 'no_public_forks', 'no_forks'] as const;
/** Bitbucket's wording for a taken slug (a Django unique-together message). */
const SLUG_TAKEN = 'Repository with this Slug and Owner already exists.';
const SLUG_RULE = /^[a-z0-9_][a-z0-9_.-]*$/;

const repositoryPath = (ctx: WriteContext, slug: string) => `/repositories/${ctx.workspace.slug}/${slug}`;

function slugTaken(ctx: WriteContext, slug: string, except?: RepositoryData): boolean {
  return ctx.store.repositoriesOf(ctx.workspace.uuid).some((r) => r !== except && r.repository.slug === slug);
}

/** `project.key` takes a key or the project's braced UUID (official description); unknown → a field error. */
function readProject(ctx: WriteContext): ProjectRecord | undefined {
  const key = ctx.body.string('project.key', { nonEmpty: true });
  if (key === undefined) return undefined;
  const project = ctx.store.projectsOf(ctx.workspace.uuid).find((p) => p.key === key || p.uuid.toLowerCase() === key.toLowerCase());
  if (!project) return ctx.body.fail('project.key', `Project "${key}" not found in workspace ${ctx.workspace.slug}.`);
  return project;
}

/** The fields both create and update read; each undefined when the body does not name it. */
function readCommonFields(ctx: WriteContext) {
  const scm = ctx.body.string('scm');
  if (scm !== undefined && scm !== 'git') ctx.body.fail('scm', `"${scm}" is not supported: Bitbucket hosts git repositories only.`);
  return {
    name: ctx.body.string('name', { nonEmpty: true, maxLength: 255 }),
    description: ctx.body.string('description', { nullable: true }),
    isPrivate: ctx.body.boolean('is_private'),
    language: ctx.body.string('language', { nullable: true }),
    forkPolicy: ctx.body.oneOf('fork_policy', FORK_POLICIES),
    project: readProject(ctx),
  };
}

/**
 * Creates an empty repository under the slug in the path (no commits, no branches; its main branch is `main` or
 * `mainbranch.name`). Without `project`, "the repository is automatically assigned to the oldest project in the
 * workspace" (official description). Private unless `is_private: false`.
 */
function createRepository(ctx: WriteContext, status: 200 | 201): WriteResult {
  const slug = ctx.params.repo.toLowerCase();
  if (!SLUG_RULE.test(slug) || slug.startsWith('{')) throw fieldError('slug', `"${ctx.params.repo}" is not a valid repository slug: use lower-case letters, digits, "-", "_" and ".".`);
  const fields = readCommonFields(ctx);
  const mainBranch = ctx.body.string('mainbranch.name', { nonEmpty: true }) ?? 'main';
  if (slugTaken(ctx, slug)) ctx.body.fail('slug', SLUG_TAKEN);
  const oldest = [...ctx.store.projectsOf(ctx.workspace.uuid)].sort((a, b) => (a.createdOn < b.createdOn ? -1 : 1))[0];
  const project = fields.project ?? oldest;
  if (!project) ctx.body.fail('project', `Workspace ${ctx.workspace.slug} has no project to put the repository in; create one first.`);
  ctx.body.finish();
  const isPrivate = fields.isPrivate ?? true;
  const repository: RepositoryRecord = {
    uuid: `{${randomUUID()}}`,
    workspaceUuid: ctx.workspace.uuid,
    slug,
    name: fields.name ?? ctx.params.repo,
    description: fields.description ?? '',
    isPrivate,
    projectUuid: project!.uuid,
    language: (fields.language ?? '').toLowerCase(),
    size: 0,
    forkPolicy: fields.forkPolicy ?? (isPrivate ? 'no_public_forks' : 'allow_forks'),
    mainBranch,
    createdOn: ctx.now,
    updatedOn: ctx.now,
  };
  const data: RepositoryData = {
    repository, commits: [], branches: [], tags: [], pullRequests: [], pullRequestComments: [], commitStatuses: [], pipelines: [],
    pipelineSteps: [], environments: [], deployments: [], branchRestrictions: [], defaultReviewerUuids: [], webhooks: [],
  };
  ctx.store.repositories.push(data);
  // `repo:created`: only the workspace's webhooks can hear it (the repository has none yet).
  return { status, body: presentRepository(ctx.present, data), location: repositoryPath(ctx, slug), events: [{ key: 'repo:created', entities: {}, repository: data }] };
}

/**
 * `repo:updated`'s `changes` ("Event payloads"): `{field: {old, new}}` for each of the fields it names that changed
 * (`name`, `website`, `language`, `links`, `description`, `full_name`). Every accepted update sends the event, also
 * one that changes only fields it does not name (privacy, project, main branch), so a receiver always hears of it.
 */
const CHANGE_FIELDS = ['name', 'website', 'language', 'links', 'description', 'full_name'] as const;

function repositoryChanges(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { old: unknown; new: unknown }> {
  const changed = CHANGE_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  return Object.fromEntries(changed.map((field) => [field, { old: before[field], new: after[field] }]));
}

/**
 * PUT on an existing repository changes what the body names. A new `name` changes the slug ("the URL of the repo is
 * derived from the name"), refused when another repository has it, and the new place is in `Location`.
 */
function updateRepository(ctx: WriteContext, data: RepositoryData): WriteResult {
  const fields = readCommonFields(ctx);
  const mainBranch = ctx.body.string('mainbranch.name', { nonEmpty: true });
  if (mainBranch !== undefined && !data.branches.some((b) => b.name === mainBranch)) ctx.body.fail('mainbranch.name', `Branch "${mainBranch}" does not exist.`);
  const newSlug = fields.name !== undefined ? slugify(fields.name) : undefined;
  if (newSlug !== undefined && newSlug === '') ctx.body.fail('name', 'The name must contain at least one letter or digit.');
  else if (newSlug !== undefined && slugTaken(ctx, newSlug, data)) ctx.body.fail('name', SLUG_TAKEN);
  ctx.body.finish();
  const r = data.repository;
  const before = presentRepository(ctx.present, data);
  const moved = newSlug !== undefined && newSlug !== r.slug;
  if (fields.name !== undefined) r.name = fields.name;
  if (newSlug !== undefined) r.slug = newSlug;
  if (ctx.body.has('description')) r.description = fields.description ?? '';
  if (fields.isPrivate !== undefined) r.isPrivate = fields.isPrivate;
  if (ctx.body.has('language')) r.language = (fields.language ?? '').toLowerCase();
  if (fields.forkPolicy !== undefined) r.forkPolicy = fields.forkPolicy;
  if (fields.project) r.projectUuid = fields.project.uuid;
  if (mainBranch !== undefined) r.mainBranch = mainBranch;
  r.updatedOn = ctx.now;
  const body = presentRepository(ctx.present, data);
  const events = [{ key: 'repo:updated', entities: { changes: repositoryChanges(before, body) } }];
  return { status: 200, body, ...(moved ? { location: repositoryPath(ctx, r.slug) } : {}), events };
}

export const repositoryWrites: WriteRoute[] = [
  // The official description answers 200 (not 201) to a create by POST.
  { method: 'POST', path: '/repositories/:workspace/:repo', target: 'repository-or-none', access: 'write',
    handle: (ctx) => {
      if (ctx.repository) throw fieldError('slug', SLUG_TAKEN);
      return createRepository(ctx, 200);
    } },
  // PUT updates (admin access) or, on a free slug, creates (201, like POST's access).
  { method: 'PUT', path: '/repositories/:workspace/:repo', target: 'repository-or-none', access: 'write',
    handle: (ctx) => {
      if (!ctx.repository) return createRepository(ctx, 201);
      if (!hasAccess(ctx.store, ctx.principal, ctx.workspace, 'admin', ctx.repository)) throw writeErrors.forbidden('admin', `${ctx.workspace.slug}/${ctx.repository.repository.slug}`, grantedAccess(ctx.store, ctx.principal, ctx.workspace, ctx.repository));
      return updateRepository(ctx, ctx.repository);
    } },
  { method: 'DELETE', path: '/repositories/:workspace/:repo', target: 'repository', access: 'admin',
    handle: (ctx) => {
      ctx.store.repositories.splice(ctx.store.repositories.indexOf(ctx.repository), 1);
      // `repo:deleted`: the repository's own webhooks went with it; the workspace's hear it.
      return { status: 204, events: [{ key: 'repo:deleted', entities: {}, workspaceHooksOnly: true }] };
    } },
];
