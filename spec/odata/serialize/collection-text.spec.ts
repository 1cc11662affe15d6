/**
 * `collectionText` writes a collection in pieces (head, entities in chunks, tail) for streamed answers; joined, the
 * pieces are byte for byte `JSON.stringify(serializeCollection(...))`, the one-body answer, at every metadata level,
 * with and without count, next link, delta link, `$select` and IEEE754Compatible, however the rows are chunked.
 */
import type { Row } from '../../../src/odata/ast';
import { collectionText, serializeCollection, type SerializeOptions } from '../../../src/odata/serialize';
import { ENCODED_PIECE_ROWS } from '../../../src/odata/serialize/serialize-entities';
import { pullRequests, SERVICE_ROOT } from '../metadata/edm-model-fixture';

const rowsOf = (count: number): Row[] =>
  Array.from({ length: count }, (_, index) => ({ Workspace: 'w', RepositorySlug: "it's", Id: index, Title: `Fix "quotes" ${index} \u2028 é`, State: 'OPEN', CommentCount: index, Score: index % 3 ? 1.5 : null, CreatedOn: '2024-01-02T03:04:05.123456789+00:00' }));

const cases = (['minimal', 'full', 'none'] as const).flatMap((level) =>
  [
    {},
    { count: 7 },
    { count: 0, nextLink: `${SERVICE_ROOT}PullRequests?$skiptoken=a%22b` },
    { nextLink: `${SERVICE_ROOT}PullRequests?$skiptoken=x`, deltaLink: `${SERVICE_ROOT}PullRequests?$deltatoken=y` },
    { select: ['Title', 'Id'], count: 3, ieee754Compatible: true },
  ].map((extra) => ({ level, ...extra })),
);

describe('collectionText', () => {
  test.each(cases)('%j: head + chunks + tail is the one-body answer', (extra) => {
    const { nextLink, deltaLink, ...rest } = extra as typeof extra & { nextLink?: string; deltaLink?: string };
    const options: SerializeOptions & { count?: number } = { set: pullRequests, namespace: 'Bitbucket', serviceRoot: SERVICE_ROOT, etag: (row) => `W/"${String(row.Id)}"`, ...rest };
    for (const count of [0, 1, 5]) {
      const rows = rowsOf(count);
      const whole = JSON.stringify(serializeCollection({ ...options, rows, nextLink, deltaLink }));
      const text = collectionText(options);
      const chunks = [rows.slice(0, 2), rows.slice(2, 3), rows.slice(3)].filter((chunk) => chunk.length > 0);
      expect(`${text.head}${chunks.map((chunk) => text.entities(chunk)).join(',')}${text.tail({ nextLink, deltaLink })}`).toBe(whole);
    }
  });

  test.each([0, 1, ENCODED_PIECE_ROWS - 1, ENCODED_PIECE_ROWS, ENCODED_PIECE_ROWS + 1, 1001])('%i rows: the encoded pieces are the UTF-8 of entities(), byte for byte', (count) => {
    const text = collectionText({ set: pullRequests, namespace: 'Bitbucket', serviceRoot: SERVICE_ROOT, level: 'minimal', etag: (row) => `W/"${String(row.Id)}"` });
    const rows = rowsOf(count);
    const pieces = text.encodedEntities(rows);
    expect(Buffer.concat(pieces).equals(Buffer.from(text.entities(rows), 'utf8'))).toBe(true);
  });

  test.each([
    ['minimal', 1],
    ['minimal', ENCODED_PIECE_ROWS + 1],
    ['full', 1],
    ['full', ENCODED_PIECE_ROWS + 1],
  ] as const)('rows that follow others (separated), %s metadata, %i rows: a comma, then the same bytes', (level, count) => {
    const text = collectionText({ set: pullRequests, namespace: 'Bitbucket', serviceRoot: SERVICE_ROOT, level, etag: (row) => `W/"${String(row.Id)}"` });
    const rows = rowsOf(count);
    expect(Buffer.concat(text.encodedEntities(rows, undefined, true)).equals(Buffer.from(`,${text.entities(rows)}`, 'utf8'))).toBe(true);
    expect(Buffer.concat(text.encodedEntities(rows, undefined, false)).equals(Buffer.from(text.entities(rows), 'utf8'))).toBe(true);
  });
});
