import type { EdmEntitySet } from '../../../src/odata/edm';
import { contextUrl, type ContextUrlOptions } from '../../../src/odata/serialize';
import { me, pullRequests, SERVICE_ROOT } from '../metadata/edm-model-fixture';

describe('contextUrl (JSON Format §10)', () => {
  it.each<[string, EdmEntitySet, ContextUrlOptions, string]>([
    ['collection', pullRequests, {}, '#PullRequests'],
    ['projected collection', pullRequests, { select: ['Id', 'Title'] }, '#PullRequests(Id,Title)'],
    ['empty select is no projection', pullRequests, { select: [] }, '#PullRequests'],
    ['single entity', pullRequests, { singleEntity: true }, '#PullRequests/$entity'],
    ['projected single entity', pullRequests, { singleEntity: true, select: ['Title'] }, '#PullRequests(Title)/$entity'],
    ['singleton', me, { singleEntity: true }, '#Me'],
    ['projected singleton', me, { select: ['DisplayName'] }, '#Me(DisplayName)'],
    [
      'individual property',
      pullRequests,
      { property: { key: { Workspace: 'w', RepositorySlug: "it's", Id: 5 }, name: 'Title' } },
      "#PullRequests(Workspace='w',RepositorySlug='it''s',Id=5)/Title",
    ],
    ['singleton property', me, { property: { name: 'DisplayName' } }, '#Me/DisplayName'],
  ])('%s', (_label, set, options, fragment) => {
    expect(contextUrl(SERVICE_ROOT, set, options)).toBe(`${SERVICE_ROOT}$metadata${fragment}`);
  });
});
