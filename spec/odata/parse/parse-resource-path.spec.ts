/**
 * The resource path after the service root (OData 4.01 Part 2 §4) → ResourcePath. The parser knows no model beyond
 * the names of singletons: whether `Entity(key)/Name` is a property or a navigation property is the router's call.
 */
import type { ResourcePath } from '../../../src/odata/ast';
import type { ErrorCode } from '../../../src/odata/errors';
import { parseKeyPredicate, parseResourcePath } from '../../../src/odata/parse';
import { expectODataError } from './expect-odata-error';

const SINGLETONS = new Set(['Me']);
type EntitySetPath = Extract<ResourcePath, { kind: 'entity-set' }>;
const set = (entitySet: string, extra: Partial<EntitySetPath> = {}): ResourcePath => ({ kind: 'entity-set', entitySet, count: false, ...extra });
const REPO = { Workspace: 'w', Slug: 'r' };

describe('parseResourcePath: service document, $metadata, $batch, singletons', () => {
  const cases: Array<[string, ResourcePath]> = [
    ['', { kind: 'service-document' }],
    ['/', { kind: 'service-document' }],
    ['$metadata', { kind: 'metadata' }],
    ['/$metadata', { kind: 'metadata' }],
    ['$batch', { kind: 'batch' }],
    ['$batch/', { kind: 'batch' }],
    ['Me', { kind: 'singleton', name: 'Me' }],
    ['Me/', { kind: 'singleton', name: 'Me' }],
    ['Me/DisplayName', { kind: 'singleton', name: 'Me', property: { name: 'DisplayName', value: false } }],
    ['Me/DisplayName/$value', { kind: 'singleton', name: 'Me', property: { name: 'DisplayName', value: true } }],
  ];
  it.each(cases)('%j', (path, expected) => {
    expect(parseResourcePath(path, SINGLETONS)).toEqual(expected);
  });
});

describe('parseResourcePath: entity sets, keys, properties, navigation, actions', () => {
  const cases: Array<[string, ResourcePath]> = [
    ['PullRequests', set('PullRequests')],
    ['PullRequests/', set('PullRequests')],
    ['//PullRequests', set('PullRequests')],
    ['PullRequests/$count', set('PullRequests', { count: true })],
    ["PullRequests(Workspace='w',RepositorySlug='r',Id=5)", set('PullRequests', { key: { Workspace: 'w', RepositorySlug: 'r', Id: 5 } })],
    ["PullRequests(Workspace='w',RepositorySlug='r',Id=5)/", set('PullRequests', { key: { Workspace: 'w', RepositorySlug: 'r', Id: 5 } })],
    // Lenient: whitespace around `=` and `,` in a compound key (the ABNF has none).
    ["PullRequests(Workspace = 'w' , Id=5)", set('PullRequests', { key: { Workspace: 'w', Id: 5 } })],
    // Single-value form: the parser does not know the model, so the key comes back positional under ''.
    ["Projects('KEY')", set('Projects', { key: { '': 'KEY' } })],
    ['Items(42)', set('Items', { key: { '': 42 } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests(Id=3)", set('Repositories', { key: REPO, navigation: { property: 'PullRequests', key: { Id: 3 } } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests(3)", set('Repositories', { key: REPO, navigation: { property: 'PullRequests', key: { '': 3 } } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests/$count", set('Repositories', { key: REPO, navigation: { property: 'PullRequests' }, count: true })],
    // A bare segment after an entity may be a property or a navigation property: the router asks the model.
    ["Repositories(Workspace='w',Slug='r')/PullRequests", set('Repositories', { key: REPO, property: { name: 'PullRequests', value: false } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests(3)/Title", set('Repositories', { key: REPO, navigation: { property: 'PullRequests', key: { '': 3 } }, property: { name: 'Title', value: false } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests(3)/Title/$value", set('Repositories', { key: REPO, navigation: { property: 'PullRequests', key: { '': 3 } }, property: { name: 'Title', value: true } })],
    ["Repositories(Workspace='w',Slug='r')/MainBranch/Name", set('Repositories', { key: REPO, navigation: { property: 'MainBranch' }, property: { name: 'Name', value: false } })],
    ['PullRequests(Id=5)/Title', set('PullRequests', { key: { Id: 5 }, property: { name: 'Title', value: false } })],
    ['PullRequests(Id=5)/Title/$value', set('PullRequests', { key: { Id: 5 }, property: { name: 'Title', value: true } })],
    ['PullRequests(Id=5)/Title/$value/', set('PullRequests', { key: { Id: 5 }, property: { name: 'Title', value: true } })],
    // Quotes and parentheses count for splitting whether raw or percent-encoded (ABNF SQUOTE, OPEN, CLOSE).
    ['Users(%27a)b%27)/Name', set('Users', { key: { '': 'a)b' }, property: { name: 'Name', value: false } })],
    ['Users%28%27a/b%27%29', set('Users', { key: { '': 'a/b' } })],
    ["Repositories(Workspace='w',Slug='r')/PullRequests%28Id=3%29/Title", set('Repositories', { key: REPO, navigation: { property: 'PullRequests', key: { Id: 3 } }, property: { name: 'Title', value: false } })],
    // Dots inside key values are data, not a qualified operation name.
    ["Repositories(Workspace='w',Slug='r')/Branches(Name='release%2F1.2')", set('Repositories', { key: REPO, navigation: { property: 'Branches', key: { Name: 'release/1.2' } } })],
    ["Repositories(Workspace='w',Slug='r')/Tags('v1.0')/Name", set('Repositories', { key: REPO, navigation: { property: 'Tags', key: { '': 'v1.0' } }, property: { name: 'Name', value: false } })],
    ['PullRequests(Id=5)/Bitbucket.Merge', set('PullRequests', { key: { Id: 5 }, action: 'Bitbucket.Merge' })],
    ['PullRequests(Id=5)/Bitbucket.Merge/', set('PullRequests', { key: { Id: 5 }, action: 'Bitbucket.Merge' })],
  ];
  it.each(cases)('%j', (path, expected) => {
    expect(parseResourcePath(path, SINGLETONS)).toEqual(expected);
  });
});

describe('parseResourcePath: key literals, quoting and percent-encoding', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ["Users('O''Neil')", { '': "O'Neil" }],
    ['Users(%27O%27%27Neil%27)', { '': "O'Neil" }],
    ['Users%28%27O%27%27Neil%27%29', { '': "O'Neil" }],
    ["Users('')", { '': '' }],
    ["Users('J%C3%BCrgen%20%F0%9F%98%80')", { '': 'Jürgen 😀' }],
    ["Users('a)b')", { '': 'a)b' }],
    ["Users('(x)')", { '': '(x)' }],
    ["Users('a,b=c')", { '': 'a,b=c' }],
    // An encoded slash stays inside the key, in single and composite keys.
    ["Branches(Name='feature%2Fx')", { Name: 'feature/x' }],
    ["Branches(Workspace='w',Slug='r',Name='feature%2Fa%2Fb')", { Workspace: 'w', Slug: 'r', Name: 'feature/a/b' }],
    // Lenient: an unencoded slash inside a quoted key stays in the key (clients that forget %2F still work).
    ["Branches(Name='feature/x')", { Name: 'feature/x' }],
    ['Items(Id=01234567-89ab-cdef-0123-456789ABCDEF)', { Id: '01234567-89ab-cdef-0123-456789abcdef' }],
    ['Items(2018-02-13T23:59:59Z)', { '': '2018-02-13T23:59:59Z' }],
    ['Items(2018-02-13T23%3A59%3A59Z)', { '': '2018-02-13T23:59:59Z' }],
    ['Items(2018-02-13)', { '': '2018-02-13' }],
    ['Items(23:59:59)', { '': '23:59:59' }],
    ["Items(duration'P1D')", { '': 'P1D' }],
    ['Items(Id=-12)', { Id: -12 }],
    ['Items(Id=%2B12)', { Id: 12 }],
    ['Items(Id=1.5)', { Id: 1.5 }],
    ['Items(Id=true)', { Id: true }],
    ["Items(A=1,B='x',C=true)", { A: 1, B: 'x', C: true }],
  ];
  it.each(cases)('%j', (path, key) => {
    expect(parseResourcePath(path, SINGLETONS)).toEqual(set(path.split(/\(|%28/)[0], { key: key as EntitySetPath['key'] }));
  });

  it('parseKeyPredicate reads a predicate on its own', () => {
    expect(parseKeyPredicate("(Workspace='w',Id=5)", 'PullRequests')).toEqual({ Workspace: 'w', Id: 5 });
    expect(parseKeyPredicate("('only')", 'Projects')).toEqual({ '': 'only' });
  });
});

describe('parseResourcePath: rejected', () => {
  const cases: Array<[string, ErrorCode, string]> = [
    // Malformed keys
    ["Users('O%27Neil')", 'InvalidKey', "The key predicate of Users is not valid: unexpected 'Neil''. Expected (Name=value,... or a single value)."],
    ['Items(Id=wrong)', 'InvalidKey', "'wrong' is not a key value (strings are quoted: 'value')"],
    ['Items(Id=)', 'InvalidKey', "'' is not a key value"],
    ['Items(=1)', 'InvalidKey', "'=1' is not a key value"],
    ["Items(A=1;B='a')", 'InvalidKey', "expected ',' at ';B='a''"],
    ['Items(A=1 B=2)', 'InvalidKey', "expected ',' at 'B=2'"],
    ['Items(A=1,,B=2)', 'InvalidKey', "expected Name=value at ',B=2'"],
    ['Items(A=1,)', 'InvalidKey', 'it ends with a comma; remove it or add the missing Name=value'],
    ['Items(,A=1)', 'InvalidKey', "',A=1' is not a key value"],
    ['Items(A=1,A=2)', 'InvalidKey', 'A is given twice'],
    ['Items()', 'InvalidKey', 'it is empty'],
    ['Items( )', 'InvalidKey', 'it is empty'],
    ['Items( 5 )', 'InvalidKey', "' 5 ' is not a key value"],
    ['Items(1)(2)', 'InvalidKey', "unexpected ')(2'"],
    ['Items((1))', 'InvalidKey', "'(1)' is not a key value"],
    ["Items('open)", 'InvalidKey', "''open' is not a key value"],
    ["Items('open", 'InvalidUrl', "the first segment 'Items('open' has an unclosed key predicate"],
    ['Items(1', 'InvalidUrl', 'has an unclosed key predicate'],
    ['Items(1)x', 'InvalidUrl', 'has an unclosed key predicate'],
    ['Items(1)/Nav(2', 'InvalidUrl', "the navigation segment 'Nav(2' has an unclosed key predicate"],
    ['Items(Id=@k)', 'NotImplemented', 'Parameter aliases in keys'],
    // Segments that cannot follow
    ['Items/$count/more', 'InvalidUrl', "unexpected '$count/more' after Items"],
    ['Items/Title', 'InvalidUrl', "unexpected 'Title' after Items"],
    ['Items/1', 'InvalidUrl', "unexpected '1' after Items"],
    ['Items//', 'InvalidUrl', "unexpected '' after Items"],
    ['Items(1)/$count', 'InvalidUrl', "unexpected '$count' after Items(1)"],
    ['Items(1)/$value', 'InvalidUrl', "unexpected '$value' after Items(1)"],
    ['Items(1)/Title/$value/more', 'InvalidUrl', "unexpected 'Title/$value/more'"],
    ['Items(1)/Nav/Prop/Extra', 'InvalidUrl', "unexpected 'Nav/Prop/Extra'"],
    ['Items(1)/Nav(2)/$count', 'InvalidUrl', "unexpected 'Nav(2)/$count'"],
    ['Items(1)/Bitbucket.Merge/more', 'InvalidUrl', "unexpected 'Bitbucket.Merge/more'"],
    ['$metadata/Items', 'InvalidUrl', "unexpected 'Items' after $metadata"],
    ['$batch/1', 'InvalidUrl', "unexpected '1' after $batch"],
    ['Me(1)', 'InvalidUrl', 'Me is a singleton and takes no key'],
    ['Me/$count', 'InvalidUrl', "unexpected '$count' after Me"],
    ['Me/A/B', 'InvalidUrl', "unexpected 'A/B' after Me"],
    // Names
    ['Model.Action', 'InvalidUrl', "'Model.Action' is not an entity set name"],
    ["Products.('foo')", 'InvalidUrl', "'Products.' is not an entity set name"],
    [".Products('foo')", 'InvalidUrl', "'.Products' is not an entity set name"],
    ['1Items', 'InvalidUrl', "'1Items' is not an entity set name"],
    ['Items%ZZ', 'InvalidUrl', "the path segment 'Items%ZZ' has a malformed percent-encoding"],
    // Features not offered
    ['$entity', 'NotImplemented', 'The resource $entity is not supported'],
    ['$all', 'NotImplemented', 'The resource $all'],
    ['$crossjoin(A,B)', 'NotImplemented', 'The resource $crossjoin(A,B)'],
    ['Items(1)/$ref', 'NotImplemented', 'The $ref path segment'],
    ['Items(1)/Bitbucket.Merge()', 'NotImplemented', 'Bound functions (Bitbucket.Merge(…)) is not supported by this service. This service offers bound actions only; invoke one without parentheses: POST …/Bitbucket.Merge.'],
    ["Items(1)/Model.ProductsByColor(color='red')", 'NotImplemented', 'Bound functions (Model.ProductsByColor(…))'],
  ];
  it.each(cases)('%j → %s', (path, code, fragment) => {
    expectODataError(() => parseResourcePath(path, SINGLETONS), code, fragment);
  });
});
