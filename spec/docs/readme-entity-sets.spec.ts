/** README.md's "Entity sets" paragraph names every declared entity set and singleton, and nothing else. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTITY_SETS } from '../../src/entity-sets/registry';

test('the README lists every registered entity set', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Entity sets'), readme.indexOf('### Writes and actions'));
  const named = new Set([...section.matchAll(/`([A-Z][A-Za-z]+)`/g)].map((match) => match[1]));
  named.delete('Issues'); // named as the set that does not exist
  expect([...named].sort()).toEqual(ENTITY_SETS.map((definition) => definition.name).sort());
});
