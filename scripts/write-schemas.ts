/** `npm run schemas`: regenerate schemas/*.json from the entity-set declarations. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENTITY_SETS } from '../src/entity-sets/registry';
import { allWriteSchemas } from '../src/entity-sets/write-schema';

const dir = path.join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (file.endsWith('.json')) rmSync(path.join(dir, file));
for (const [file, schema] of Object.entries(allWriteSchemas(ENTITY_SETS))) {
  const generated = { $comment: 'Generated from src/entity-sets by `npm run schemas`; do not edit by hand.', ...schema };
  writeFileSync(path.join(dir, file), JSON.stringify(generated, null, 2) + '\n');
}
console.log(`wrote ${Object.keys(allWriteSchemas(ENTITY_SETS)).length} schemas to ${dir}`);
