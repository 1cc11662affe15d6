/**
 * Issue #12's "Done when": every client rule id (spec/fixtures/client-rules/rule-ids.json, copied from the team's
 * client-rules reference) has a test named by it under spec/, or a line in the README's rule list saying why not.
 * The check itself is scripts/rule-coverage.ts (also runnable: `npx tsx scripts/rule-coverage.ts`).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  README_BEGIN,
  README_END,
  README_FILE,
  ROOT,
  RULES_FILE,
  idsOfReference,
  loadRules,
  readmeLines,
  ruleCoverage,
  testTitlesIn,
  testTitlesUnder,
  type Rule,
} from '../../scripts/rule-coverage';

const rules = loadRules();

describe('the rule list (spec/fixtures/client-rules/rule-ids.json)', () => {
  test('names its source and lives in the repository (a fresh clone has nothing beside it)', () => {
    expect(relative(ROOT, RULES_FILE)).toBe('spec/fixtures/client-rules/rule-ids.json');
    const parsed = JSON.parse(readFileSync(RULES_FILE, 'utf8')) as { source: string };
    expect(parsed.source).toMatch(/^spec\/fixtures\/client-rules\/client-rules\.md /);
  });

  test('holds exactly the ids of the reference kept beside it (spec/fixtures/client-rules/client-rules.md)', () => {
    const reference = idsOfReference(readFileSync(join(ROOT, 'spec', 'fixtures', 'client-rules', 'client-rules.md'), 'utf8'));
    expect(reference.length).toBeGreaterThan(60);
    expect(rules.map((rule) => rule.id)).toEqual(reference);
  });

  test('has every family, numbered without gaps or repeats, each id with a title', () => {
    const byFamily = new Map<string, number[]>();
    for (const rule of rules) {
      const [family, number] = rule.id.split('-') as [string, string];
      byFamily.set(family, [...(byFamily.get(family) ?? []), Number(number)]);
      expect(rule.title.length).toBeGreaterThan(10);
    }
    expect([...byFamily.keys()]).toEqual(['PQ', 'MD', 'ER', 'AU', 'CC', 'OA', 'DV', 'DA']);
    for (const [family, numbers] of byFamily) expect({ family, numbers }).toEqual({ family, numbers: numbers.map((_, i) => i + 1) });
    expect(rules.length).toBe(69);
  });
});

test('every rule id has a test named by it, or a README line saying why not; every test.failing has its README line', () => {
  const { rows, problems } = ruleCoverage(rules, testTitlesUnder(), readFileSync(README_FILE, 'utf8'));
  expect(problems).toEqual([]);
  expect(rows.filter((row) => row.tests.length > 0).length).toBeGreaterThan(50);
});

describe('the check is not vacuous', () => {
  const few: Rule[] = [
    { id: 'ER-01', title: 'A throttle is 429 with Retry-After 1-120', confidence: 'V' },
    { id: 'MD-08', title: 'No singletons in the main root', confidence: 'U' },
    { id: 'CC-11', title: 'Polling trigger fallback', confidence: 'V' },
  ];
  const readme = (lines: string) => `# x\n\n${README_BEGIN}\n${lines}\n${README_END}\n`;
  const titles = (source: string) => testTitlesIn(source, 'spec/x.spec.ts');

  test('an id with neither a test nor a README line is a problem, named with its title', () => {
    const { problems } = ruleCoverage(few, titles("test('ER-01: 429', () => {});"), readme('- MD-08 (…): unverified, no real Power BI ran here.'));
    expect(problems).toEqual([expect.stringMatching(/^CC-11 \(Polling trigger fallback\): no test named by it/)]);
  });

  test('a skipped or todo test counts for nothing; a failing one needs its README line', () => {
    const source = "test.skip('ER-01: a', () => {}); test.todo('CC-11: b'); test.failing('MD-08: c', () => {});";
    const { problems } = ruleCoverage(few, titles(source), readme('- CC-11 (polling): not built, the webhook trigger covers it.'));
    expect(problems).toEqual([expect.stringMatching(/^ER-01 .*no test named by it/), expect.stringMatching(/^MD-08 .*no test named by it/), expect.stringMatching(/^MD-08: spec\/x\.spec\.ts:1 is test\.failing/)]);
  });

  test('titles count in describe blocks, test.each titles and templates, but not inside a skipped describe', () => {
    const source = [
      "describe('throttling (ER-01)', () => { it('retries', () => {}); });",
      "test.each([[1]])('MD-08: case %s', () => {});",
      'test(`CC-11: ${"x"} polls`, () => {});',
      "describe.skip('ignored', () => { test('ER-01: not this one', () => {}); });",
    ].join('\n');
    const found = titles(source);
    expect(found.map((t) => [t.title, t.kind])).toEqual([
      ['throttling (ER-01)', 'runs'],
      ['retries', 'runs'],
      ['MD-08: case %s', 'runs'],
      ['CC-11: ${…} polls', 'runs'],
      ['ignored', 'skipped'],
      ['ER-01: not this one', 'skipped'],
    ]);
    expect(ruleCoverage(few, found, readme('')).problems).toEqual([]);
  });

  test('a README bullet must start with known ids and give a reason; a block must exist', () => {
    expect(readmeLines('no block').problems).toEqual([expect.stringContaining('has no')]);
    const lines = readme(['- MD-08 (…): too short', '- Known failures: MD-08', '- CC-11, ER-01 (two ids, one reason): a reason that is long enough to count.', '- XX-01: nope'].join('\n'));
    const listed = readmeLines(lines);
    expect(listed.lines.map((line) => line.ids)).toEqual([['MD-08'], ['CC-11', 'ER-01']]);
    expect(listed.problems).toEqual([expect.stringMatching(/MD-08 has no reason/), expect.stringMatching(/must start with the rule ids/), expect.stringMatching(/must start with the rule ids/)]);
    expect(ruleCoverage(few, [], readme('- DV-09 (made up): a reason that is long enough to count.')).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/DV-09 is not a rule id/)]),
    );
  });

  test('an id in a test title that the list does not know is a problem (a typo)', () => {
    const { problems } = ruleCoverage(few, titles("test('ER-01: a', () => {}); test('MD-80: typo', () => {});"), readme('- MD-08, CC-11 (…): not here, for a reason long enough.'));
    expect(problems).toEqual([expect.stringMatching(/MD-80 in a test title is not a rule id/)]);
  });

  test('the reference comparison reads rule table rows only', () => {
    expect(idsOfReference('| ID | Rule |\n|---|---|\n| PQ-01 | x |\n| MD-02 | y |\nsee PQ-03 in prose\n')).toEqual(['PQ-01', 'MD-02']);
  });
});
