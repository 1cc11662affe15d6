/**
 * Plans are kept per set, filter tree and the rest of what a plan reads of the query (issue #15: CPU per answer
 * page). These rows state that keeping them changes no plan: the same URL gets the same plan; another `$orderby`,
 * `$select`, `$search` or pushdown setting gets its own; a refusal remembered after a plan was kept is honoured by the
 * next plan; and a kept plan cannot be changed by a reader.
 */
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { parseQueryOptions } from '../../src/odata/parse';
import { planQuery } from '../../src/plan/plan-query';
import { rememberRefusal } from '../../src/plan/pushdown-refusals';

const pullRequests = ENTITY_SETS.find((def) => def.name === 'PullRequests')!;
const FILTER = "$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and AuthorUuid eq '{u1}' and State eq 'OPEN'";

describe('plans kept', () => {
  test('the same URL asked twice gets the same plan as a fresh parse, frozen', () => {
    const first = planQuery(pullRequests, parseQueryOptions(FILTER));
    const again = planQuery(pullRequests, parseQueryOptions(FILTER));
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.fixedParams)).toBe(true);
    expect(Object.isFrozen(first.bbql)).toBe(true);
    expect(() => (first.fixedParams.workspace as string[]).push('other')).toThrow(TypeError);
  });

  test.each([
    ['$orderby', `${FILTER}&$orderby=CreatedOn desc`],
    ['$select', `${FILTER}&$select=Id`],
    ['$search', `${FILTER}&$search=fix`],
  ])('another %s gets its own plan', (_option, url) => {
    const plain = planQuery(pullRequests, parseQueryOptions(FILTER));
    const other = planQuery(pullRequests, parseQueryOptions(url));
    expect(other).not.toBe(plain);
    expect(planQuery(pullRequests, parseQueryOptions(url))).toBe(other);
  });

  test('pushdown off gets its own plan', () => {
    const on = planQuery(pullRequests, parseQueryOptions(FILTER), { pushdown: true });
    const off = planQuery(pullRequests, parseQueryOptions(FILTER), { pushdown: false });
    expect(on.bbql.q).toContain('author.uuid');
    expect(off.bbql.q).toBeUndefined();
  });

  test('a refusal remembered after a plan was kept is honoured by the next plan of the same URL', () => {
    const before = planQuery(pullRequests, parseQueryOptions(FILTER));
    expect(before.bbql.q).toContain('author.uuid');
    rememberRefusal('PullRequests', 'q', 'author.uuid');
    const after = planQuery(pullRequests, parseQueryOptions(FILTER));
    expect(after.bbql.q).not.toContain('author.uuid');
    expect(after.bbql.q).toContain('state');
  });
});
