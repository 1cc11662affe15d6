/** Items of every entity set as the sandbox answers them, for specs and benches of `rowFromItem`. */
import type { RunningSandbox } from '../../../sandbox/app';
import { DEMO_USER } from '../../../sandbox/identities';
import { ENTITY_SETS } from '../../../src/entity-sets/registry';

export interface SetItems {
  set: string;
  routeValues: Record<string, string>;
  items: unknown[];
}

/**
 * Items of every entity set as the sandbox answers them: one page of each list (pull requests with reviewers and
 * participants, which lists leave out unless `fields=` asks), the singleton's item, and one page of each list as a
 * partial response with only the first property's path, the way a `$select` leaves most of an item out.
 */
export async function sandboxItems(sandbox: RunningSandbox): Promise<{ whole: SetItems[]; partial: SetItems[] }> {
  const get = async <T>(route: string, query: Record<string, string | string[]> = {}): Promise<T> => {
    const url = new URL(sandbox.apiUrl + route);
    for (const [name, values] of Object.entries(query)) for (const value of [values].flat()) url.searchParams.append(name, value);
    const response = await fetch(url, { headers: { Authorization: `Bearer ${DEMO_USER.bearerToken}` } });
    if (!response.ok) throw new Error(`${url} → ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const workspace = (await get<{ values: Array<{ workspace: { slug: string } }> }>('/user/workspaces')).values[0].workspace.slug;
  const repository = (await get<{ values: Array<{ slug: string }> }>(`/repositories/${workspace}`)).values[0].slug;
  const pullRequests = (await get<{ values: Array<{ id: number; comment_count: number; state: string }> }>(`/repositories/${workspace}/${repository}/pullrequests`, { state: ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] })).values;
  // An open pull request when one has comments: its source branch exists, so it lists commits too.
  const open = pullRequests.filter((pr) => pr.state === 'OPEN' && pr.comment_count > 0);
  const mostCommented = (open.length > 0 ? open : pullRequests).reduce((best, pr) => (pr.comment_count > best.comment_count ? pr : best));
  // A pipeline run and a commit, for the sets listed per pipeline (steps) and per commit (statuses); the newest
  // commits carry statuses in the seed.
  const pipeline = (await get<{ values: Array<{ uuid: string }> }>(`/repositories/${workspace}/${repository}/pipelines`)).values[0];
  const commit = (await get<{ values: Array<{ hash: string }> }>(`/repositories/${workspace}/${repository}/commits`, { pagelen: '1' })).values[0];
  const known: Record<string, string> = { workspace, repo_slug: repository, pull_request_id: String(mostCommented.id), pipeline_uuid: pipeline.uuid, commit: commit.hash };
  const whole: SetItems[] = [];
  const partial: SetItems[] = [];
  for (const def of ENTITY_SETS) {
    const route = def.list ?? def.get;
    if (!route) throw new Error(`${def.name} has no route`);
    const routeValues = Object.fromEntries(route.params.map((param) => [param.name, known[param.name]]));
    const address = route.path.replace(/\{(\w+)\}/g, (_, name: string) => known[name]);
    if (!def.list) {
      whole.push({ set: def.name, routeValues, items: [await get<unknown>(address)] });
      continue;
    }
    const extra = def.properties.flatMap((property) => (property.fields && typeof property.source === 'object' && 'path' in property.source ? [`+values.${property.source.path}`] : []));
    const query = { ...def.list.fixedQuery, pagelen: String(def.list.maxPagelen) };
    whole.push({ set: def.name, routeValues, items: (await get<{ values: unknown[] }>(address, extra.length > 0 ? { ...query, fields: extra.join(',') } : query)).values });
    const firstSource = def.properties[0].source;
    const firstPath = typeof firstSource === 'string' ? firstSource : 'path' in firstSource ? firstSource.path : 'type';
    partial.push({ set: def.name, routeValues, items: (await get<{ values: unknown[] }>(address, { ...query, fields: `values.${firstPath}` })).values });
  }
  return { whole, partial };
}
