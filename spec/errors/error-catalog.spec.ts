/**
 * The error catalog and its documentation stay in step, as fastify's errors test keeps `lib/errors.js` and
 * docs/Reference/Errors.md together (https://github.com/fastify/fastify/blob/main/test/internals/errors.test.js):
 * README.md's table is exactly what `npm run docs:errors` makes from `ERROR_CATALOG` and `ERROR_GUIDE`, every code
 * is documented and every documented code exists, and every code is answered somewhere in src/ (a code nobody
 * throws would document an error that never happens).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BEGIN_MARKER, END_MARKER, errorTable } from '../../scripts/error-table';
import { ERROR_CATALOG, type ErrorCode } from '../../src/odata/errors';
import { ERROR_GUIDE } from '../../src/odata/error-guide';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const codes = Object.keys(ERROR_CATALOG) as ErrorCode[];

function readmeTable(): string {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  expect(begin).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(begin);
  return readme.slice(begin + BEGIN_MARKER.length, end).trim();
}

test("README.md's error table is the one npm run docs:errors generates (run it after changing the catalog)", () => {
  expect(readmeTable()).toBe(errorTable());
});

test('the README table has one row per catalog code, with its status', () => {
  const rows = readmeTable()
    .split('\n')
    .slice(2)
    .map((row) => /^\| `(\w+)` \| (\d{3}) \|/.exec(row));
  const documented = rows.map((m) => (m ? { code: m[1], status: Number(m[2]) } : null));
  expect(documented).not.toContain(null);
  expect(documented.map((d) => d!.code).sort()).toEqual([...codes].sort());
  for (const d of documented) expect(d!.status).toBe(ERROR_CATALOG[d!.code as ErrorCode].status);
});

test('every catalog code has a guide entry saying when it happens and what to do, and the guide names no other code', () => {
  expect(Object.keys(ERROR_GUIDE).sort()).toEqual([...codes].sort());
  for (const code of codes) {
    expect(ERROR_GUIDE[code].when.trim()).not.toBe('');
    expect(ERROR_GUIDE[code].action.trim()).not.toBe('');
  }
});

test('every catalog entry is an error status with a template', () => {
  for (const code of codes) {
    const { status, template } = ERROR_CATALOG[code];
    expect(status >= 400 && status <= 599).toBe(true);
    expect(template.length).toBeGreaterThan(0);
  }
});

test('every catalog code is answered somewhere in src/', () => {
  const sources: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith(join('odata', 'errors.ts')) && !file.endsWith('error-guide.ts')) sources.push(readFileSync(file, 'utf8'));
    }
  };
  walk(join(ROOT, 'src'));
  const text = sources.join('\n');
  const unused = codes.filter((code) => !text.includes(`'${code}'`));
  expect(unused).toEqual([]);
});
