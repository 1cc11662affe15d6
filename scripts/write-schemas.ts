/** `npm run schemas`: regenerate schemas/*.json from the entity-set declarations. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENTITY_SETS } from '../src/entity-sets/registry';
import { schemaFileTexts } from '../src/entity-sets/write-schema';

const dir = path.join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (file.endsWith('.json')) rmSync(path.join(dir, file));
const files = schemaFileTexts(ENTITY_SETS);
for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
console.log(`wrote ${Object.keys(files).length} schemas to ${dir}`);
