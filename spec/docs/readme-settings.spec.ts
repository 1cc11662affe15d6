/**
 * The README's Configuration table and `src/config.ts` name the same settings: a setting the gateway reads is
 * documented, and a documented one is read (fastify keeps its error catalog and its documentation in step the same way).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settingsRead } from '../helpers/config-settings';

const ROOT = path.join(__dirname, '../..');

/** The README's Configuration table: the names in backticks in each row's first cell, and the table's whole text. */
function documented(): { names: Set<string>; text: string } {
  const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.indexOf('## Configuration');
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (line.startsWith('| `')) rows.push(line);
  }
  const names = new Set(rows.flatMap((row) => [...(row.split(' | ')[0] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1])));
  return { names, text: rows.join('\n') };
}

test('every setting src/config.ts reads has a row (or, for a *_FILE variant, a mention) in the README table', () => {
  const { names, text } = documented();
  const missing = [...settingsRead()].filter((name) => !names.has(name) && !(name.endsWith('_FILE') && text.includes(`\`${name}\``)));
  expect(missing).toEqual([]);
});

test('every setting the README table lists is read by src/config.ts', () => {
  const read = settingsRead();
  expect([...documented().names].filter((name) => !read.has(name))).toEqual([]);
});
