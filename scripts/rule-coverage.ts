/**
 * Client-rule coverage (issue #12, "Done when"): every rule id of the client rules (PQ, MD, ER, AU, CC, OA, DV, DA;
 * copied with a title each into spec/fixtures/client-rules/rule-ids.json) has a test named by it somewhere under
 * spec/, or a line in the README's list of rules not tested here, saying why.
 *
 *   npx tsx scripts/rule-coverage.ts                       print each id with its tests or README reason; exit 1 on a gap
 *   npx tsx scripts/rule-coverage.ts --source FILE.md      also compare the fixture's ids with a reference file (the copy beside the fixture is checked by the spec)
 *
 * Test titles are read with the TypeScript compiler's parser (not a regex over the source), so a title is a real
 * first argument of `test`/`it`/`describe`; a Jest test's name includes its describe blocks, so an id in a describe
 * title names the tests inside. Only a test that runs counts: `test.failing` (a known failure) needs its README line,
 * `test.skip`/`test.todo`/`xit` count for nothing. spec/clients/rule-coverage.spec.ts runs the same check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const RULE_ID = /\b(?:PQ|MD|ER|AU|CC|OA|DV|DA)-\d{2}\b/g;

export interface Rule {
  id: string;
  title: string;
  confidence: string;
}

/** How a titled call runs: a plain test (or describe), a known failure, or not at all. */
export type TitleKind = 'runs' | 'failing' | 'skipped';

export interface TestTitle {
  file: string;
  line: number;
  title: string;
  kind: TitleKind;
}

export interface ReadmeLine {
  ids: string[];
  reason: string;
  line: number;
}

export interface RuleCoverage {
  id: string;
  title: string;
  tests: TestTitle[];
  failing: TestTitle[];
  readme?: ReadmeLine;
}

export const ROOT = join(__dirname, '..');
export const RULES_FILE = join(ROOT, 'spec', 'fixtures', 'client-rules', 'rule-ids.json');
export const README_FILE = join(ROOT, 'README.md');
export const SPEC_DIR = join(ROOT, 'spec');

/** The README block listing the rules not tested here; one bullet per rule (or group), `- ID[, ID] (…): why`. */
export const README_BEGIN = '<!-- rule-coverage:begin -->';
export const README_END = '<!-- rule-coverage:end -->';
/** A reason shorter than this is not a reason. */
const MIN_REASON = 20;

export function loadRules(file = RULES_FILE): Rule[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { rules: Rule[] };
  return parsed.rules;
}

const TEST_FUNCTIONS = new Set(['test', 'it', 'describe', 'xit', 'xtest', 'xdescribe', 'fit', 'fdescribe']);
const SKIPPING = new Set(['skip', 'todo', 'xit', 'xtest', 'xdescribe']);

/** The call chain of a callee: `test.failing.each(t)` → ['test', 'failing', 'each']; undefined when not rooted at a name. */
function chainOf(callee: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(callee)) return [callee.text];
  if (ts.isPropertyAccessExpression(callee)) {
    const head = chainOf(callee.expression);
    return head && [...head, callee.name.text];
  }
  // test.each(table)('title', fn): the title belongs to the outer call, the chain to the inner one.
  if (ts.isCallExpression(callee)) return chainOf(callee.expression);
  return undefined;
}

/** The literal text of a title: a string, or a template's literal parts (its `${…}` parts are unknown until run). */
function titleText(node: ts.Expression | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => `\${…}${span.literal.text}`)].join('');
  return undefined;
}

/** Every `test`/`it`/`describe` title in one spec source, with whether the test runs. */
export function testTitlesIn(source: string, file: string): TestTitle[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const titles: TestTitle[] = [];
  const visit = (node: ts.Node, enclosingSkipped: boolean): void => {
    let skipped = enclosingSkipped;
    if (ts.isCallExpression(node)) {
      const chain = chainOf(node.expression);
      const title = titleText(node.arguments[0]);
      // The inner call of `test.each(table)` has the table, not a title, as its argument: only the outer call counts.
      const isInnerEach = chain !== undefined && chain[chain.length - 1] === 'each' && !ts.isCallExpression(node.expression);
      if (chain && TEST_FUNCTIONS.has(chain[0] ?? '') && title !== undefined && !isInnerEach) {
        const kind: TitleKind = enclosingSkipped || chain.some((part) => SKIPPING.has(part)) ? 'skipped' : chain.includes('failing') ? 'failing' : 'runs';
        titles.push({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1, title, kind });
        if (kind === 'skipped') skipped = true;
      }
    }
    ts.forEachChild(node, (child) => visit(child, skipped));
  };
  visit(sourceFile, false);
  return titles;
}

/** Spec sources: every .ts under spec/ except copied data and generated clients. */
export function specFiles(dir = SPEC_DIR): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['fixtures', 'generated', 'artifacts', 'node_modules'].includes(entry.name)) files.push(...specFiles(path));
    } else if (entry.name.endsWith('.ts')) {
      files.push(path);
    }
  }
  return files.sort();
}

export function testTitlesUnder(dir = SPEC_DIR): TestTitle[] {
  return specFiles(dir).flatMap((file) => testTitlesIn(readFileSync(file, 'utf8'), relative(ROOT, file)));
}

/** The text before the first `: ` outside parentheses (the ids and an optional parenthetical), and the rest. */
function splitLead(text: string): [string, string] | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0 && text[i + 1] === ' ') return [text.slice(0, i), text.slice(i + 2)];
  }
  return undefined;
}

/**
 * The README's list of rules not tested here: bullets between the two markers, each `- ID[, ID…] (…): reason`
 * (a bullet may run over several lines). Problems: no block, a bullet that names no id first, no reason.
 */
export function readmeLines(readme: string): { lines: ReadmeLine[]; problems: string[] } {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) return { lines: [], problems: [`README.md has no ${README_BEGIN} … ${README_END} block listing the rules not tested here`] };
  const firstLine = readme.slice(0, begin).split('\n').length;
  const block = readme.slice(begin + README_BEGIN.length, end).split('\n');
  const bullets: Array<{ text: string; line: number }> = [];
  block.forEach((text, index) => {
    if (/^- /.test(text)) bullets.push({ text: text.slice(2), line: firstLine + index });
    else if (/^\s+\S/.test(text) && bullets.length > 0) (bullets[bullets.length - 1] as { text: string }).text += ` ${text.trim()}`;
  });
  const lines: ReadmeLine[] = [];
  const problems: string[] = [];
  for (const bullet of bullets) {
    const split = splitLead(bullet.text);
    const ids = split ? [...split[0].replace(/\(.*\)/s, '').matchAll(RULE_ID)].map((m) => m[0]) : [];
    if (!split || ids.length === 0 || !/^[A-Z]{2}-\d{2}/.test(bullet.text)) {
      problems.push(`README.md:${bullet.line}: a bullet of the rule list must start with the rule ids and say why after ": " (${bullet.text.slice(0, 60)}…)`);
      continue;
    }
    const reason = split[1].trim();
    if (reason.length < MIN_REASON) problems.push(`README.md:${bullet.line}: ${ids.join(', ')} has no reason ("${reason}")`);
    lines.push({ ids, reason, line: bullet.line });
  }
  return { lines, problems };
}

/** Each rule with what covers it, and every gap as a sentence. */
export function ruleCoverage(rules: Rule[], titles: TestTitle[], readme: string): { rows: RuleCoverage[]; problems: string[] } {
  const problems: string[] = [];
  const known = new Set(rules.map((rule) => rule.id));
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!/^(PQ|MD|ER|AU|CC|OA|DV|DA)-\d{2}$/.test(rule.id)) problems.push(`rule-ids.json: ${rule.id} is not a rule id`);
    if (seen.has(rule.id)) problems.push(`rule-ids.json: ${rule.id} appears twice`);
    seen.add(rule.id);
    if (rule.title.trim() === '') problems.push(`rule-ids.json: ${rule.id} has no title`);
  }
  const listed = readmeLines(readme);
  problems.push(...listed.problems);
  const byId = new Map<string, ReadmeLine>();
  for (const line of listed.lines) {
    for (const id of line.ids) {
      if (!known.has(id)) problems.push(`README.md:${line.line}: ${id} is not a rule id of rule-ids.json`);
      if (byId.has(id)) problems.push(`README.md:${line.line}: ${id} is listed twice`);
      byId.set(id, line);
    }
  }
  const rows = rules.map((rule): RuleCoverage => {
    const naming = titles.filter((title) => [...title.title.matchAll(RULE_ID)].some((m) => m[0] === rule.id));
    return {
      id: rule.id,
      title: rule.title,
      tests: naming.filter((title) => title.kind === 'runs'),
      failing: naming.filter((title) => title.kind === 'failing'),
      ...(byId.has(rule.id) ? { readme: byId.get(rule.id) } : {}),
    };
  });
  for (const row of rows) {
    if (row.tests.length === 0 && !row.readme) {
      problems.push(`${row.id} (${row.title}): no test named by it under spec/ and no line in the README's list of rules not tested here`);
    }
    if (row.failing.length > 0 && !row.readme) {
      problems.push(`${row.id}: ${row.failing.map((t) => `${t.file}:${t.line}`).join(', ')} is test.failing (a known failure); the README's rule list must say so`);
    }
  }
  for (const title of titles) {
    for (const m of title.title.matchAll(RULE_ID)) if (!known.has(m[0])) problems.push(`${title.file}:${title.line}: ${m[0]} in a test title is not a rule id of rule-ids.json`);
  }
  return { rows, problems };
}

/** The ids of the reference file's rule tables (`| ID | …`), for the --source comparison. */
export function idsOfReference(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => /^\| ((?:PQ|MD|ER|AU|CC|OA|DV|DA)-\d{2}) \|/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}

function main(argv: string[]): number {
  const rules = loadRules();
  const { rows, problems } = ruleCoverage(rules, testTitlesUnder(), readFileSync(README_FILE, 'utf8'));
  const sourceIndex = argv.indexOf('--source');
  if (sourceIndex >= 0) {
    const path = argv[sourceIndex + 1];
    if (!path) throw new Error('--source needs the path of client-rules.md');
    const reference = idsOfReference(readFileSync(path, 'utf8'));
    const ours = rules.map((rule) => rule.id);
    for (const id of reference) if (!ours.includes(id)) problems.push(`${id} is in ${path} but not in rule-ids.json`);
    for (const id of ours) if (!reference.includes(id)) problems.push(`${id} is in rule-ids.json but not in ${path}`);
  }
  for (const row of rows) {
    const where = row.tests.length > 0 ? `${row.tests.length} test(s): ${[...new Set(row.tests.map((t) => t.file))].join(', ')}` : '';
    const readme = row.readme ? `README.md:${row.readme.line}` : '';
    const failing = row.failing.length > 0 ? `test.failing ${row.failing.length}` : '';
    process.stdout.write(`${row.id}  ${[where, failing, readme].filter(Boolean).join('; ') || 'NOT COVERED'}\n`);
  }
  for (const problem of problems) process.stderr.write(`problem: ${problem}\n`);
  process.stdout.write(`${rows.length} rules, ${rows.filter((r) => r.tests.length > 0).length} with a test, ${rows.filter((r) => r.tests.length === 0 && r.readme).length} only in the README, ${problems.length} problem(s)\n`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
