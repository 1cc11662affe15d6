import type { Row } from '../../../src/odata/ast';
import { serializeCollection, serializeEntity, serializeProperty, type SerializeOptions } from '../../../src/odata/serialize';
import { me, pullRequests, repositories, SERVICE_ROOT } from '../metadata/edm-model-fixture';

const pr: Row = {
  Workspace: 'w',
  RepositorySlug: "it's",
  Id: 5,
  Title: 'Fix "quotes"',
  State: 'OPEN',
  CommentCount: 12,
  Score: 1.5,
  Ratio: 0.25,
  MergedOn: null,
  CreatedOn: '2024-01-02T03:04:05.123456789+00:00',
};
const pr2: Row = { ...pr, Id: 6, Title: 'Second', CommentCount: 0, Score: null, CreatedOn: '2024-01-03T00:00:00+01:00' };

const prValues = {
  Workspace: 'w',
  RepositorySlug: "it's",
  Id: 5,
  Title: 'Fix "quotes"',
  State: 'OPEN',
  CommentCount: 12,
  Score: 1.5,
  Ratio: 0.25,
  MergedOn: null,
  CreatedOn: '2024-01-02T03:04:05.123456Z',
};

const base: SerializeOptions = { set: pullRequests, namespace: 'Bitbucket', serviceRoot: SERVICE_ROOT, level: 'minimal' };
const prId = `${SERVICE_ROOT}PullRequests(Workspace='w',RepositorySlug='it''s',Id=5)`;

describe('serializeCollection', () => {
  it('minimal: context, count before value, nextLink after, values formatted', () => {
    const payload = serializeCollection({ ...base, rows: [pr], count: 2, nextLink: `${SERVICE_ROOT}PullRequests?$skiptoken=abc` });
    expect(payload).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#PullRequests`,
      '@odata.count': 2,
      value: [prValues],
      '@odata.nextLink': `${SERVICE_ROOT}PullRequests?$skiptoken=abc`,
    });
    // odata.streaming=true ordering (JSON Format §4.4): control information before the data it describes.
    expect(Object.keys(payload)).toEqual(['@odata.context', '@odata.count', 'value', '@odata.nextLink']);
  });

  it('minimal: projects $select in request order, and the context URL says so', () => {
    const payload = serializeCollection({ ...base, rows: [pr, pr2], select: ['Title', 'Id'] });
    expect(payload).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#PullRequests(Title,Id)`,
      value: [
        { Title: 'Fix "quotes"', Id: 5 },
        { Title: 'Second', Id: 6 },
      ],
    });
    expect(Object.keys((payload.value as object[])[0] ?? {})).toEqual(['Title', 'Id']);
  });

  it('$select=* is everything', () => {
    expect(serializeCollection({ ...base, rows: [pr], select: ['*'] })).toEqual(serializeCollection({ ...base, rows: [pr] }));
  });

  it('none: data, count and nextLink only (JSON Format §3.1.3)', () => {
    expect(
      serializeCollection({
        ...base,
        level: 'none',
        rows: [pr],
        count: 1,
        nextLink: 'next',
        deltaLink: 'delta',
        etag: () => 'W/"1"',
      }),
    ).toEqual({ '@odata.count': 1, value: [prValues], '@odata.nextLink': 'next' });
  });

  it('minimal keeps etag and deltaLink', () => {
    expect(serializeCollection({ ...base, rows: [pr], deltaLink: 'delta', etag: (row) => `W/"${row.Id}"` })).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#PullRequests`,
      value: [{ '@odata.etag': 'W/"5"', ...prValues }],
      '@odata.deltaLink': 'delta',
    });
  });

  it('full: type, id, editLink, value type annotations, navigation links and action advertisements', () => {
    const payload = serializeCollection({ ...base, level: 'full', rows: [pr] });
    const entity = (payload.value as Array<Record<string, unknown>>)[0];
    expect(entity).toEqual({
      '@odata.type': '#Bitbucket.PullRequest',
      '@odata.id': prId,
      '@odata.editLink': prId,
      Workspace: 'w',
      RepositorySlug: "it's",
      Id: 5,
      Title: 'Fix "quotes"',
      State: 'OPEN',
      'CommentCount@odata.type': '#Int64',
      CommentCount: 12,
      Score: 1.5,
      'Ratio@odata.type': '#Decimal',
      Ratio: 0.25,
      MergedOn: null,
      'CreatedOn@odata.type': '#DateTimeOffset',
      CreatedOn: '2024-01-02T03:04:05.123456Z',
      'Repository@odata.navigationLink': `${prId}/Repository`,
      '#Bitbucket.Merge': { title: 'Merge', target: `${prId}/Bitbucket.Merge` },
      '#Bitbucket.Decline': { title: 'Decline', target: `${prId}/Bitbucket.Decline` },
    });
    // Each annotation directly precedes its property.
    const keys = Object.keys(entity ?? {});
    expect(keys.indexOf('CreatedOn@odata.type') + 1).toBe(keys.indexOf('CreatedOn'));
  });

  it('full with $select: only selected properties and navigation links, no action advertisements', () => {
    const payload = serializeCollection({ ...base, level: 'full', rows: [pr], select: ['CreatedOn', 'Repository'] });
    expect(payload).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#PullRequests(CreatedOn,Repository)`,
      value: [
        {
          '@odata.type': '#Bitbucket.PullRequest',
          '@odata.id': prId,
          '@odata.editLink': prId,
          'CreatedOn@odata.type': '#DateTimeOffset',
          CreatedOn: '2024-01-02T03:04:05.123456Z',
          'Repository@odata.navigationLink': `${prId}/Repository`,
        },
      ],
    });
  });

  it('full on a read-only set has no editLink (the id is the read link)', () => {
    const readOnly = { ...repositories, capabilities: { ...repositories.capabilities, updatable: false } };
    const row: Row = { Workspace: 'w', Slug: 's' };
    const payload = serializeCollection({ ...base, set: readOnly, level: 'full', rows: [row], select: ['Slug'] });
    expect(payload.value).toEqual([
      { '@odata.type': '#Bitbucket.Repository', '@odata.id': `${SERVICE_ROOT}Repositories(Workspace='w',Slug='s')`, Slug: 's' },
    ]);
  });

  it('IEEE754Compatible=true writes Int64, Decimal and the count as strings', () => {
    expect(serializeCollection({ ...base, rows: [pr], count: 1, ieee754Compatible: true, select: ['Id', 'CommentCount', 'Ratio', 'Score'] })).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#PullRequests(Id,CommentCount,Ratio,Score)`,
      '@odata.count': '1',
      value: [{ Id: 5, CommentCount: '12', Ratio: '0.25', Score: 1.5 }],
    });
  });

  it('writes properties missing from a row as null', () => {
    expect(serializeCollection({ ...base, rows: [{ Id: 7 }], select: ['Id', 'Title'] }).value).toEqual([{ Id: 7, Title: null }]);
  });

  it('an empty page is an empty value array', () => {
    expect(serializeCollection({ ...base, rows: [], count: 0 })).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#PullRequests`,
      '@odata.count': 0,
      value: [],
    });
  });
});

describe('serializeEntity', () => {
  it.each(['minimal', 'full', 'none'] as const)('at %s metadata writes the same entity as the collection does', (level) => {
    const fromCollection = (serializeCollection({ ...base, level, rows: [pr] }).value as object[])[0];
    const { ['@odata.context']: _context, ...entity } = serializeEntity({ ...base, level, row: pr });
    expect(entity).toEqual(fromCollection);
  });

  it('minimal: $entity context URL', () => {
    expect(serializeEntity({ ...base, row: pr, select: ['Id'] })).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#PullRequests(Id)/$entity`,
      Id: 5,
    });
  });

  it('none: no context', () => {
    expect(serializeEntity({ ...base, level: 'none', row: pr, select: ['Id'] })).toEqual({ Id: 5 });
  });

  it('singleton: context and id are the singleton name', () => {
    const row: Row = { Uuid: '{u}', DisplayName: 'Ada', CreatedOn: '2020-05-06T07:08:09+00:00' };
    expect(serializeEntity({ ...base, set: me, level: 'full', row })).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#Me`,
      '@odata.type': '#Bitbucket.User',
      '@odata.id': `${SERVICE_ROOT}Me`,
      Uuid: '{u}',
      DisplayName: 'Ada',
      'CreatedOn@odata.type': '#DateTimeOffset',
      CreatedOn: '2020-05-06T07:08:09Z',
    });
  });

  it('full: etag after id, before editLink', () => {
    const entity = serializeEntity({ ...base, level: 'full', row: pr, select: ['Id'], etag: () => 'W/"x"' });
    expect(Object.keys(entity)).toEqual(['@odata.context', '@odata.type', '@odata.id', '@odata.etag', '@odata.editLink', 'Id']);
  });
});

describe('serializeProperty', () => {
  const key = { Workspace: 'w', RepositorySlug: "it's", Id: 5 };
  const contextOf = (name: string) => `${SERVICE_ROOT}$metadata#PullRequests(Workspace='w',RepositorySlug='it''s',Id=5)/${name}`;

  it.each<[string, SerializeOptions['level'], Row, string, boolean | undefined, Record<string, unknown>]>([
    ['string', 'minimal', { ...key, Title: 'Fix' }, 'Title', undefined, { '@odata.context': contextOf('Title'), value: 'Fix' }],
    ['none', 'none', { ...key, Title: 'Fix' }, 'Title', undefined, { value: 'Fix' }],
    ['full annotates the type', 'full', pr, 'CreatedOn', undefined, { '@odata.context': contextOf('CreatedOn'), '@odata.type': '#DateTimeOffset', value: '2024-01-02T03:04:05.123456Z' }],
    ['IEEE754Compatible', 'minimal', pr, 'CommentCount', true, { '@odata.context': contextOf('CommentCount'), value: '12' }],
    ['null', 'minimal', pr, 'MergedOn', undefined, { '@odata.context': contextOf('MergedOn'), '@odata.null': true }],
  ])('%s', (_label, level, row, property, ieee754Compatible, expected) => {
    expect(serializeProperty({ set: pullRequests, row, property, level, serviceRoot: SERVICE_ROOT, ieee754Compatible })).toEqual(expected);
  });

  it('singleton property', () => {
    expect(serializeProperty({ set: me, row: { DisplayName: 'Ada' }, property: 'DisplayName', level: 'minimal', serviceRoot: SERVICE_ROOT })).toEqual({
      '@odata.context': `${SERVICE_ROOT}$metadata#Me/DisplayName`,
      value: 'Ada',
    });
  });
});
