/**
 * schemas/ holds the JSON Schemas of every write body for people and tools; the gateway validates with schemas
 * generated from the same declarations. This keeps the checked-in files equal to what the declarations generate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { schemaFileTexts } from '../../src/entity-sets/write-schema';

const dir = path.join(__dirname, '..', '..', 'schemas');
const generated = schemaFileTexts(ENTITY_SETS);

test('schemas/ holds exactly the generated files (regenerate with `npm run schemas`)', () => {
  expect(readdirSync(dir).filter((file) => file.endsWith('.json')).sort()).toEqual(Object.keys(generated).sort());
});

test.each(Object.keys(generated).sort())('%s is up to date (regenerate with `npm run schemas`)', (file) => {
  expect(readFileSync(path.join(dir, file), 'utf8')).toBe(generated[file]);
});
