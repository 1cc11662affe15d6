import { randomUUID } from 'node:crypto';
import type { ProjectRecord } from '../../seed/records';
import { notFound } from '../../routes/not-found';
import { presentProject } from '../../routes/present/present-workspace';
import { fieldError } from '../body-reader';
import type { WriteContext, WriteRoute, WriteResult } from '../write-route';
import { writeErrors } from '../write-errors';

/**
 * Bitbucket's rule for project keys: a letter first, then letters, digits or underscores. Keys compare as given
 * (the store matches them case-sensitively, as the read routes do).
 */
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const KEY_RULE = 'Project keys must start with a letter and may only consist of ASCII letters, numbers and underscores (A-Z, a-z, 0-9, _).';

const projectPath = (ctx: WriteContext, key: string) => `/workspaces/${ctx.workspace.slug}/projects/${key}`;

function checkKey(ctx: WriteContext, key: string | undefined, except?: ProjectRecord): void {
  if (key === undefined) return;
  if (!PROJECT_KEY.test(key)) ctx.body.fail('key', KEY_RULE);
  else if (ctx.store.projectsOf(ctx.workspace.uuid).some((p) => p !== except && p.key === key)) ctx.body.fail('key', 'Project with this Owner and Key already exists.');
}

function checkName(ctx: WriteContext, name: string | undefined, except?: ProjectRecord): void {
  if (name === undefined) return;
  if (ctx.store.projectsOf(ctx.workspace.uuid).some((p) => p !== except && p.name.toLowerCase() === name.toLowerCase())) {
    ctx.body.fail('name', 'Project with this Owner and Name already exists.');
  }
}

/** POST (and PUT on a free key): `key` from the body or the path, `name` required, private unless told otherwise. */
function createProject(ctx: WriteContext, keyFromPath?: string): WriteResult {
  const key = keyFromPath ?? ctx.body.string('key', { required: true });
  if (keyFromPath !== undefined) ctx.body.string('key');
  const name = ctx.body.string('name', { required: true, maxLength: 255 });
  const description = ctx.body.string('description', { nullable: true }) ?? '';
  const isPrivate = ctx.body.boolean('is_private') ?? true;
  checkKey(ctx, key);
  checkName(ctx, name);
  ctx.body.finish();
  const project: ProjectRecord = {
    uuid: `{${randomUUID()}}`, workspaceUuid: ctx.workspace.uuid, key: key!, name: name!, description, isPrivate, createdOn: ctx.now, updatedOn: ctx.now,
  };
  ctx.store.projects.push(project);
  return { status: 201, body: presentProject(ctx.present, project), location: projectPath(ctx, project.key) };
}

/**
 * PUT on an existing project changes what the body names; a `key` in the body moves the project ("the location of
 * the project is changed and is returned in the Location header", official description).
 */
function updateProject(ctx: WriteContext, project: ProjectRecord): WriteResult {
  const key = ctx.body.string('key', { nonEmpty: true });
  const name = ctx.body.string('name', { nonEmpty: true, maxLength: 255 });
  const description = ctx.body.string('description', { nullable: true });
  const isPrivate = ctx.body.boolean('is_private');
  checkKey(ctx, key, project);
  checkName(ctx, name, project);
  ctx.body.finish();
  const moved = key !== undefined && key !== project.key;
  if (key !== undefined) project.key = key;
  if (name !== undefined) project.name = name;
  if (ctx.body.has('description')) project.description = description ?? '';
  if (isPrivate !== undefined) project.isPrivate = isPrivate;
  project.updatedOn = ctx.now;
  return { status: 200, body: presentProject(ctx.present, project), ...(moved ? { location: projectPath(ctx, project.key) } : {}) };
}

function findProject(ctx: WriteContext): ProjectRecord {
  const project = ctx.store.findProject(ctx.workspace.uuid, ctx.params.key);
  if (!project) throw notFound.project(ctx.params.key);
  return project;
}

/** Projects: creating, changing and deleting them takes admin access to the workspace. */
export const projectWrites: WriteRoute[] = [
  { method: 'POST', path: '/workspaces/:workspace/projects', target: 'workspace', access: 'admin', handle: (ctx) => createProject(ctx) },
  {
    method: 'PUT',
    path: '/workspaces/:workspace/projects/:key',
    target: 'workspace',
    access: 'admin',
    // "a PUT at a non-existent location can be used to create a new project" (official description).
    handle: (ctx) => {
      const existing = ctx.store.findProject(ctx.workspace.uuid, ctx.params.key);
      if (existing) return updateProject(ctx, existing);
      if (!PROJECT_KEY.test(ctx.params.key)) throw fieldError('key', KEY_RULE);
      return createProject(ctx, ctx.params.key);
    },
  },
  {
    method: 'DELETE',
    path: '/workspaces/:workspace/projects/:key',
    target: 'workspace',
    access: 'admin',
    handle: (ctx) => {
      const project = findProject(ctx);
      const repositories = ctx.store.repositoriesOf(ctx.workspace.uuid).filter((r) => r.repository.projectUuid === project.uuid).length;
      if (repositories > 0) throw writeErrors.projectNotEmpty(project.key, repositories);
      ctx.store.projects.splice(ctx.store.projects.indexOf(project), 1);
      return { status: 204 };
    },
  },
];
