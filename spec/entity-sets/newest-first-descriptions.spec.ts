/**
 * A set whose list may stop at a time window's lower bound only when the client asks (`list.newestFirst`,
 * src/http/trust-newest-first.ts, issue #16) says so in its description, which $metadata (Core.Description), the
 * connector and the console show: a client reading $metadata learns the preference exists and what it costs.
 */
import { buildCsdlJson } from '../../src/odata/metadata/build-csdl-json';
import { buildCsdlXml } from '../../src/odata/metadata/build-csdl-xml';
import { buildEdmModel } from '../../src/entity-sets/to-edm-model';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import { TRUST_NEWEST_FIRST } from '../../src/http/trust-newest-first';

const newestFirst = ENTITY_SETS.filter((set) => set.list?.newestFirst !== undefined);

test('the sets that honour the preference are Commits and PullRequestActivity', () => {
  expect(newestFirst.map((set) => set.name).sort()).toEqual(['Commits', 'PullRequestActivity']);
});

test.each(newestFirst.map((set) => [set.name, set] as const))('%s: its description names the Prefer header, and $metadata carries it', (_name, set) => {
  expect(set.description).toContain(`'Prefer: ${TRUST_NEWEST_FIRST}'`);
  expect(set.description).toMatch(/missed/);
  const model = buildEdmModel();
  expect(JSON.stringify(buildCsdlJson(model))).toContain(JSON.stringify(set.description));
  expect(buildCsdlXml(model)).toContain(`Prefer: ${TRUST_NEWEST_FIRST}`);
});
