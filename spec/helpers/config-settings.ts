/** The setting names src/config.ts reads, found in its source (specs keep documents and examples in step with it). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SECRET_SETTINGS } from '../../src/config';

const ROOT = path.join(__dirname, '../..');

/** Setting names src/config.ts reads: `env.NAME`, `env['NAME']` and the helpers' `(env, 'NAME'`, and each secret's `_FILE`. */
export function settingsRead(): Set<string> {
  const source = readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
  const names = new Set<string>();
  for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]|\(env, '([A-Z][A-Z0-9_]+)'/g)) names.add(match[1] ?? match[2] ?? match[3]);
  for (const name of SECRET_SETTINGS) names.add(`${name}_FILE`);
  return names;
}
