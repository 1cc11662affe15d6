/**
 * The bytes a paging snapshot kept outside the process (Redis, `redis-page-snapshots.ts`) is stored as: rows in chunks,
 * each chunk column by column (one JSON array of values per kept column, `snapshot-columns.ts` says which) and
 * deflated. Column-major text puts a column's repeated values (a workspace, a state, a repository slug) side by side,
 * so deflate's window finds them; the column names are written once per snapshot, not once per row.
 *
 * Values are `LiteralValue`s (string, finite number, boolean, null), which JSON keeps exactly. A chunk that does not
 * decode to the shape written (another version, damaged bytes) throws: the caller treats it as a miss, never as rows.
 * Compression runs on libuv's thread pool (zlib's async API), so a 200,000-row snapshot does not stall the event loop.
 */
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import type { LiteralValue, Row } from '../odata/ast';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/** Rows per chunk: a page of the default size (1000 rows + 1 look-ahead) decodes one or two chunks. */
export const SNAPSHOT_CHUNK_ROWS = 1024;

export async function encodeChunk(columns: readonly string[], rows: readonly Row[]): Promise<Buffer> {
  const byColumn = columns.map((column) => rows.map((row) => row[column] ?? null));
  return deflate(Buffer.from(JSON.stringify(byColumn)), { level: 6 });
}

function isLiteral(value: unknown): value is LiteralValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** The rows of one chunk, `columns` as written; throws when the bytes are not a chunk of that shape. */
export async function decodeChunk(columns: readonly string[], bytes: Buffer): Promise<Row[]> {
  const parsed: unknown = JSON.parse((await inflate(bytes)).toString('utf8'));
  if (!Array.isArray(parsed) || parsed.length !== columns.length) throw new Error('paging snapshot chunk: not the columns written');
  const byColumn = parsed as unknown[];
  const length = columns.length === 0 ? 0 : (byColumn[0] as unknown[]).length;
  for (const values of byColumn) {
    if (!Array.isArray(values) || values.length !== length || !values.every(isLiteral)) throw new Error('paging snapshot chunk: malformed column');
  }
  const rows: Row[] = [];
  for (let index = 0; index < length; index++) {
    const row: Row = {};
    columns.forEach((column, at) => {
      row[column] = (byColumn[at] as LiteralValue[])[index];
    });
    rows.push(row);
  }
  return rows;
}
