import type { KeyValues } from '../../../src/odata/ast';
import type { EdmEntitySet } from '../../../src/odata/edm';
import { entityId, keyLiteral, keyPredicate } from '../../../src/odata/serialize';
import { me, pullRequests, repositories, SERVICE_ROOT } from '../metadata/edm-model-fixture';

describe('entityId', () => {
  it.each<[string, EdmEntitySet, KeyValues, string]>([
    ['composite key', pullRequests, { Workspace: 'w', RepositorySlug: 'r', Id: 5 }, "PullRequests(Workspace='w',RepositorySlug='r',Id=5)"],
    ['quote doubled', repositories, { Workspace: "o'neil", Slug: "a''bc" }, "Repositories(Workspace='o''neil',Slug='a''''bc')"],
    ['double quote and backslash', repositories, { Workspace: 'a"b', Slug: 'c\\d' }, "Repositories(Workspace='a%22b',Slug='c%5Cd')"],
    ['non-ASCII as UTF-8', repositories, { Workspace: 'zürich', Slug: '日本' }, "Repositories(Workspace='z%C3%BCrich',Slug='%E6%97%A5%E6%9C%AC')"],
    ['empty string', repositories, { Workspace: 'w', Slug: '' }, "Repositories(Workspace='w',Slug='')"],
    ['slash, space, parentheses, hash', repositories, { Workspace: 'w', Slug: 'feature/x (1) #2' }, "Repositories(Workspace='w',Slug='feature%2Fx%20%281%29%20%232')"],
    ['extra row properties ignored', repositories, { Workspace: 'w', Slug: 's', Name: 'N' }, "Repositories(Workspace='w',Slug='s')"],
    ['singleton', me, {}, 'Me'],
  ])('%s', (_label, set, row, path) => {
    expect(entityId(SERVICE_ROOT, set, row)).toBe(`${SERVICE_ROOT}${path}`);
  });

  it('names a missing key property and what to do', () => {
    expect(() => entityId(SERVICE_ROOT, pullRequests, { Workspace: 'w', Id: 5 })).toThrow(
      'Cannot build the key of PullRequests: RepositorySlug is missing from the row. Keep key properties when projecting.',
    );
  });
});

describe('keyPredicate', () => {
  it('omits the property name for a single-part key (URL Conventions §4.3.1)', () => {
    const single: EdmEntitySet = { ...repositories, key: ['Workspace'] };
    expect(keyPredicate(single, { Workspace: 'w' })).toBe("('w')");
  });
});

describe('keyLiteral', () => {
  it.each<[Parameters<typeof keyLiteral>[0], string | number | boolean, string]>([
    ['Edm.Int32', 5, '5'],
    ['Edm.Int64', 9007199254740993, '9007199254740992'],
    ['Edm.Int64', '9007199254740993', '9007199254740993'],
    ['Edm.Boolean', true, 'true'],
    ['Edm.Guid', '0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['Edm.Date', '2024-02-29', '2024-02-29'],
    ['Edm.DateTimeOffset', '2024-01-02T05:04:05.5+02:00', '2024-01-02T03%3A04%3A05.5Z'],
    ['Edm.Duration', 'P1DT2H', "duration'P1DT2H'"],
  ])('%s %p → %s', (type, value, literal) => {
    expect(keyLiteral(type, value)).toBe(literal);
  });
});
