import { applyFields, matchesBbql, paginate, parseBbql, sortItems } from '../../../sandbox/query';

/** The order a collection route applies the library in: filter → sort → page → project (sandbox/query/index.ts). */
describe('filter → sort → page → fields', () => {
  const prs = Array.from({ length: 12 }, (_, i) => ({
    id: i + 1,
    state: i % 3 === 0 ? 'MERGED' : 'OPEN',
    updated_on: `2024-05-${String(10 + (i % 5)).padStart(2, '0')}T00:00:00.000000+00:00`,
    reviewers: [{ uuid: `{r${i % 2}}` }],
  }));

  it('answers like Bitbucket for a realistic request', () => {
    const search = new URLSearchParams('q=state="OPEN" AND reviewers.uuid="{r1}"&sort=-updated_on&pagelen=2&page=2&fields=values.id,next,size');
    const expr = parseBbql(search.get('q')!);
    const filtered = prs.filter((pr) => matchesBbql(expr, pr));
    const sorted = sortItems(filtered, search.get('sort')!);
    const envelope = paginate(sorted, {
      page: search.get('page')!,
      pagelen: search.get('pagelen')!,
      maxPagelen: 50,
      baseUrl: 'http://127.0.0.1:1/2.0/repositories/w/r/pullrequests',
      query: search,
    });
    expect(filtered.map((pr) => pr.id)).toEqual([2, 6, 8, 12]);
    expect(sorted.map((pr) => pr.id)).toEqual([8, 2, 12, 6]); // 05-12, then the 05-11 tie in store order, then 05-10
    expect(applyFields(envelope, search.get('fields')!, ['values.reviewers'])).toEqual({ size: 4, values: [{ id: 12 }, { id: 6 }] });
  });
});
