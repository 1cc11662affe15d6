import type { ResourcePath } from '../../../src/odata/ast';
import { ODataError } from '../../../src/odata/errors';
import { parseResourcePath } from '../../../src/odata/parse';
import { expectODataError, seededRandom } from './expect-odata-error';

const SINGLETONS = new Set(['Me']);
const set = (entitySet: string, extra: Partial<Extract<ResourcePath, { kind: 'entity-set' }>> = {}): ResourcePath => ({ kind: 'entity-set', entitySet, count: false, ...extra });

describe('parseResourcePath: accepted', () => {
  const cases: Array<[string, ResourcePath]> = [
    ['', { kind: 'service-document' }],
    ['/', { kind: 'service-document' }],
    ['$metadata', { kind: 'metadata' }],
    ['$batch', { kind: 'batch' }],
    ['PullRequests', set('PullRequests')],
    ['PullRequests/', set('PullRequests')],
    ['PullRequests/$count', set('PullRequests', { count: true })],
    ["PullRequests(Workspace='w',RepositorySlug='r',Id=5)", set('PullRequests', { key: { Workspace: 'w', RepositorySlug: 'r', Id: 5 } })],
    ["PullRequests(Workspace = 'w' , Id=5)", set('PullRequests', { key: { Workspace: 'w', Id: 5 } })],
    // Single-value form: the parser does not know the model, so the key comes back positional under ''.
    ["Projects('KEY')", set('Projects', { key: { '': 'KEY' } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests(Id=3)", set('Repositories', { key: { Workspace: 'w', Slug: 'r' }, navigation: { property: 'PullRequests', key: { Id: 3 } } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests(3)", set('Repositories', { key: { Workspace: 'w', Slug: 'r' }, navigation: { property: 'PullRequests', key: { '': 3 } } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests/$count", set('Repositories', { key: { Workspace: 'w', Slug: 'r' }, navigation: { property: 'PullRequests' }, count: true })],
    // A bare segment after an entity may be a property or a navigation property: the router asks the model.
    ["Repositories(Workspace='w',Slug='r')/PullRequests", set('Repositories', { key: { Workspace: 'w', Slug: 'r' }, property: { name: 'PullRequests', value: false } })],
    ['PullRequests(Id=5)/Title', set('PullRequests', { key: { Id: 5 }, property: { name: 'Title', value: false } })],
    ['PullRequests(Id=5)/Title/$value', set('PullRequests', { key: { Id: 5 }, property: { name: 'Title', value: true } })],
    ['PullRequests(Id=5)/Bitbucket.Merge', set('PullRequests', { key: { Id: 5 }, action: 'Bitbucket.Merge' })],
    ['Me', { kind: 'singleton', name: 'Me' }],
    ['Me/DisplayName/$value', { kind: 'singleton', name: 'Me', property: { name: 'DisplayName', value: true } }],
    // Awkward key literals, percent-decoded per segment.
    ["Users('O''Neil')", set('Users', { key: { '': "O'Neil" } })],
    ['Users(%27O%27%27Neil%27)', set('Users', { key: { '': "O'Neil" } })],
    ['Users%28%27O%27%27Neil%27%29', set('Users', { key: { '': "O'Neil" } })],
    ["Users('')", set('Users', { key: { '': '' } })],
    ["Users('J%C3%BCrgen%20%F0%9F%98%80')", set('Users', { key: { '': 'Jürgen 😀' } })],
    ["Branches(Name='feature%2Fx')", set('Branches', { key: { Name: 'feature/x' } })],
    ['Items(Id=01234567-89ab-cdef-0123-456789ABCDEF)', set('Items', { key: { Id: '01234567-89ab-cdef-0123-456789abcdef' } })],
    ['Items(2018-02-13T23:59:59Z)', set('Items', { key: { '': '2018-02-13T23:59:59Z' } })],
    ['Items(Id=-12)', set('Items', { key: { Id: -12 } })],
  ];
  it.each(cases)('%s', (path, expected) => {
    expect(parseResourcePath(path, SINGLETONS)).toEqual(expected);
  });
});

describe('parseResourcePath: rejected', () => {
  const cases: Array<[string, ODataError['code'], string]> = [
    ["Users('O%27Neil')", 'InvalidKey', "unexpected 'Neil''"],
    ['Items(Id=wrong)', 'InvalidKey', "'wrong' is not a key value"],
    ["Items(A=1;B='a')", 'InvalidKey', "expected ','"],
    ['Items(A=1,A=2)', 'InvalidKey', 'A is given twice'],
    ['Items()', 'InvalidKey', 'it is empty'],
    ["Items('open", 'InvalidUrl', 'unclosed key predicate'],
    ['Items(Id=@k)', 'NotImplemented', 'Parameter aliases in keys'],
    ['Items/$count/more', 'InvalidUrl', "unexpected '$count/more'"],
    ['Items/Title', 'InvalidUrl', "unexpected 'Title' after Items"],
    ['Items(1)/Title/$value/more', 'InvalidUrl', "unexpected 'Title/$value/more'"],
    ['Items/1', 'InvalidUrl', "unexpected '1' after Items"],
    ['Model.Action', 'InvalidUrl', "'Model.Action' is not an entity set name"],
    ["Products.('foo')", 'InvalidUrl', "'Products.' is not an entity set name"],
    ['Me(1)', 'InvalidUrl', 'Me is a singleton and takes no key'],
    ['Items%ZZ', 'InvalidUrl', 'malformed percent-encoding'],
    ['$entity', 'NotImplemented', 'The resource $entity'],
    ['$crossjoin(A,B)', 'NotImplemented', 'The resource $crossjoin(A,B)'],
    ['Items(1)/$ref', 'NotImplemented', 'The $ref path segment'],
  ];
  it.each(cases)('%s → %s', (path, code, fragment) => {
    expectODataError(() => parseResourcePath(path, SINGLETONS), code, fragment);
  });
});

describe('parseResourcePath: fuzz', () => {
  const fragments = ['Items', 'Me', '(', ')', "'", "''", '=', ',', '/', '$count', '$value', '$ref', '$metadata', '1', 'Id', 'Ns.Act', '%', '%27', '%2F', '%zz', '@', ' ', ';'];
  it('throws nothing but ODataError on 3,000 deterministic random paths', () => {
    const random = seededRandom(4242);
    const foreign: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const path = Array.from({ length: 1 + Math.floor(random() * 12) }, () => fragments[Math.floor(random() * fragments.length)]).join('');
      try {
        parseResourcePath(path, SINGLETONS);
      } catch (error) {
        if (!(error instanceof ODataError)) foreign.push(`${JSON.stringify(path)}: ${String(error)}`);
      }
    }
    expect(foreign).toEqual([]);
  });
});
