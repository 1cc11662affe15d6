import { formatMicros, MICROS_PER_DAY, msToMicros, SEED_EPOCH_MS } from './clock';
import type { People } from './generate-people';
import { Prng } from './prng';
import type { ProjectRecord, RepositoryRecord } from './records';
import { slugify } from './slugify';
import {
  ACME_REPOSITORY_NAMES, HARBOR_PROJECT_TEMPLATES, HARBOR_REPOSITORY_NAMES, LANGUAGES, PROJECT_TEMPLATES,
  REPOSITORY_DESCRIPTIONS,
} from './vocabulary';

export type SeedSize = 'default' | 'large';

/** Extra generated repositories per workspace for `size: 'large'` (>= 200 repositories in total). */
const LARGE_EXTRA_REPOSITORIES = [110, 90] as const;

/** Public repositories of acme-dev: visible to the other user, who is not a member there. */
const PUBLIC_IN_ACME = new Set(['docs', 'cli-tools', 'design-system', 'widget', 'payments-sdk']);
const PUBLIC_IN_HARBOR = new Set(['lighthouse', 'tide-tables', 'manifest-parser']);

export interface Catalogue {
  projects: ProjectRecord[];
  repositories: RepositoryRecord[];
}

/** Projects (5 in acme-dev, 3 in blue-harbor) and the repositories in them; `updatedOn` is fixed later by history. */
export function generateRepositories(rng: Prng, people: People, size: SeedSize): Catalogue {
  const projects: ProjectRecord[] = [];
  const repositories: RepositoryRecord[] = [];
  const epoch = msToMicros(SEED_EPOCH_MS);

  people.workspaces.forEach((workspace, wsIndex) => {
    const templates = wsIndex === 0 ? PROJECT_TEMPLATES : HARBOR_PROJECT_TEMPLATES;
    const workspaceProjects = templates.map(([key, name, description], index): ProjectRecord => {
      const created = epoch + rng.int(0, 200) * MICROS_PER_DAY + rng.int(0, MICROS_PER_DAY - 1);
      return {
        uuid: rng.uuid(), workspaceUuid: workspace.uuid, key, name, description,
        isPrivate: index % 2 === 0,
        createdOn: formatMicros(created),
        updatedOn: formatMicros(created + rng.int(10, 900) * MICROS_PER_DAY),
      };
    });
    projects.push(...workspaceProjects);

    const baseNames = wsIndex === 0 ? ACME_REPOSITORY_NAMES : HARBOR_REPOSITORY_NAMES;
    const extra = size === 'large' ? LARGE_EXTRA_REPOSITORIES[wsIndex] : 0;
    const names = [...baseNames, ...Array.from({ length: extra }, (_, i) => `${wsIndex === 0 ? 'service' : 'vessel'}-${String(i + 1).padStart(3, '0')}`)];
    const publicSlugs = wsIndex === 0 ? PUBLIC_IN_ACME : PUBLIC_IN_HARBOR;
    names.forEach((name, index) => {
      const slug = slugify(name);
      const created = epoch + rng.int(0, 6 * 365) * MICROS_PER_DAY + rng.int(0, MICROS_PER_DAY - 1);
      const description = index < baseNames.length ? rng.pick(REPOSITORY_DESCRIPTIONS) : `Generated repository ${name}`;
      repositories.push({
        uuid: rng.uuid(),
        workspaceUuid: workspace.uuid,
        slug,
        name,
        description,
        isPrivate: index < baseNames.length ? !publicSlugs.has(slug) : rng.chance(0.7),
        projectUuid: workspaceProjects[index % workspaceProjects.length].uuid,
        language: index === 0 ? 'typescript' : rng.pick(LANGUAGES), // the first repository has every kind of data
        size: rng.int(40_000, 250_000_000),
        forkPolicy: rng.pick(['allow_forks', 'no_public_forks', 'no_forks'] as const),
        mainBranch: index % 7 === 3 ? 'master' : 'main',
        createdOn: formatMicros(created),
        updatedOn: formatMicros(created),
      });
    });
  });
  return { projects, repositories };
}
