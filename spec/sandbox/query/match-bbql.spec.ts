import { matchesBbql, parseBbql, validateBbqlFields } from '../../../sandbox/query';
import { bbqlString, expectSandboxError } from './expect-sandbox-error';

/** A pull request shaped like Bitbucket's, with the awkward cases the evaluator must handle. */
const pr = {
  id: 42,
  title: 'Fix "quoted" Zürich 🚀 bug',
  state: 'OPEN',
  draft: false,
  description: '',
  close_source_branch: null,
  created_on: '2024-05-18T09:29:47.123456+00:00',
  updated_on: '2024-05-18T11:29:47.000001+02:00',
  comment_count: 3.5,
  author: { uuid: '{a1}', display_name: 'Ann Author', nickname: 'ann' },
  source: { branch: { name: 'feature/x\\y' }, repository: { full_name: 'ws/repo' } },
  reviewers: [
    { uuid: '{r1}', display_name: 'Rita', nickname: null },
    { uuid: '{r2}', display_name: 'Rob', nickname: 'rob' },
  ],
  participants: [],
  labels: ['bug', 'ui'],
};

const matches = (q: string, item: unknown = pr): boolean => matchesBbql(parseBbql(q), item);

describe('matchesBbql: operators on scalars', () => {
  it.each<[string, boolean]>([
    ['state = "OPEN"', true],
    ['state = "open"', false], // = is exact and case-sensitive
    ['state != "OPEN"', false],
    ['state != "MERGED"', true],
    ['title ~ "zÜRICH"', true], // ~ is case-insensitive, Unicode-aware
    ['title ~ "🚀"', true],
    ['title ~ "\\"quoted\\""', true],
    ['title ~ ""', true],
    ['title !~ "zürich"', false],
    ['title !~ "absent"', true],
    ['description = ""', true],
    ['description ~ ""', true],
    ['id = 42', true],
    ['id = 42.0', true],
    ['id != 42', false],
    ['id > 41', true],
    ['id > 42', false],
    ['id >= 42', true],
    ['id < 43', true],
    ['id <= 41', false],
    ['comment_count > 3', true],
    ['comment_count < -1', false],
    ['draft = false', true],
    ['draft != false', false],
    ['draft = true', false],
    ['author.nickname = "ann"', true],
    ['source.branch.name = "feature/x\\\\y"', true],
    ['source.repository.full_name != "main/repo"', true],
    ['state > "MERGED"', true], // strings order by code point: "OPEN" > "MERGED"
    ['state < "OPEN"', false],
    ['author.uuid > "{a0}"', true], // keyset paging by uuid, as Atlassian staff recommend on the community forum
  ])('%s → %s', (q, expected) => {
    expect(matches(q)).toBe(expected);
  });
});

describe('matchesBbql: awkward strings compare exactly', () => {
  it.each([["a'bc"], ["a''bc"], ['say "hi"'], ['back\\slash'], ['Zürich'], ['emoji 🚀👩‍💻'], ['']])('%j', (value) => {
    expect(matches(`name = ${bbqlString(value)}`, { name: value })).toBe(true);
    expect(matches(`name = ${bbqlString(`${value}x`)}`, { name: value })).toBe(false);
    expect(matches(`name ~ ${bbqlString(value)}`, { name: `<${value}>` })).toBe(true);
  });
});

describe('matchesBbql: datetimes compare as instants with microsecond precision', () => {
  it.each<[string, boolean]>([
    ['created_on = 2024-05-18T09:29:47.123456+00:00', true],
    ['created_on = 2024-05-18T09:29:47.123456Z', true],
    ['created_on = 2024-05-18T11:29:47.123456+02:00', true],
    ['created_on = 2024-05-18T09:29:47.123457', false],
    ['created_on > 2024-05-18T09:29:47.123455', true],
    ['created_on > 2024-05-18T09:29:47.123456', false],
    ['created_on >= 2024-05-18T09:29:47.123456', true],
    ['created_on < 2024-05-18T09:29:47.123457', true],
    ['created_on <= 2024-05-18T09:29:47.123', false],
    ['created_on > 2024-05-18', true],
    ['created_on < 2024-05-19', true],
    ['created_on = 2024-05-18', false], // a date is midnight UTC, not a whole day
    ['created_on > 2024-05-18T10:00:00+01:00', true], // 09:00Z
    ['created_on > 2024-05-18T09:30:00', false], // no offset = UTC
    ['updated_on = 2024-05-18T09:29:47.000001', true], // the item's own offset is honoured
    ['created_on != 2024-05-18T09:29:47.123456+00:00', false],
    ['created_on IN (2024-01-01, 2024-05-18T09:29:47.123456)', true],
  ])('%s → %s', (q, expected) => {
    expect(matches(q)).toBe(expected);
  });
});

describe('matchesBbql: null and absent values', () => {
  it.each<[string, boolean]>([
    ['close_source_branch = null', true],
    ['close_source_branch != null', false],
    ['no_such_field = null', true],
    ['no_such_field != null', false],
    ['author.no_such = null', true],
    ['author.uuid.deeper = null', true],
    ['author = null', false],
    ['author != null', true],
    ['close_source_branch = "x"', false],
    ['close_source_branch != "x"', true], // the complement of = (Django exclude semantics)
    ['close_source_branch ~ "x"', false],
    ['close_source_branch !~ "x"', true],
    ['close_source_branch > 1', false],
    ['close_source_branch < 1', false],
    ['close_source_branch > 2024-01-01', false],
    ['close_source_branch IN ("a", "b")', false],
    ['close_source_branch NOT IN ("a", "b")', true],
    ['close_source_branch IN ("a", null)', true],
    ['close_source_branch NOT IN ("a", null)', false],
  ])('%s → %s', (q, expected) => {
    expect(matches(q)).toBe(expected);
  });
});

describe('matchesBbql: paths through arrays match when any element matches', () => {
  it.each<[string, boolean]>([
    ['reviewers.uuid = "{r2}"', true],
    ['reviewers.uuid = "{r3}"', false],
    ['reviewers.uuid != "{r2}"', false], // complement: no reviewer is {r2}
    ['reviewers.uuid != "{r3}"', true],
    ['reviewers.display_name ~ "RO"', true],
    ['reviewers.display_name !~ "RO"', false],
    ['reviewers.nickname = null', true], // Rita has none
    ['reviewers.nickname != null', false],
    ['reviewers.uuid IN ("{r9}", "{r1}")', true],
    ['reviewers.uuid NOT IN ("{r9}", "{r1}")', false],
    ['participants.uuid = null', true], // an empty array is absent
    ['participants.uuid != "{r1}"', true],
    ['participants.uuid = "{r1}"', false],
    ['labels = "ui"', true], // an array of scalars
    ['labels != "ui"', false],
    ['labels ~ "BU"', true],
    ['reviewers.uuid = "{r1}" AND reviewers.uuid = "{r2}"', true],
  ])('%s → %s', (q, expected) => {
    expect(matches(q)).toBe(expected);
  });
});

describe('matchesBbql: IN, NOT IN and boolean logic', () => {
  it.each<[string, boolean]>([
    ['state IN ("OPEN", "MERGED")', true],
    ['state IN ("DECLINED", "MERGED")', false],
    ['state NOT IN ("DECLINED", "MERGED")', true],
    ['state NOT IN ("OPEN")', false],
    ['id IN (1, 42)', true],
    ['state = "MERGED" OR id = 42 AND draft = true', false],
    ['state = "OPEN" OR id = 1 AND draft = true', true],
    ['(state = "OPEN" OR id = 1) AND draft = true', false],
    ['(state = "MERGED" OR id = 42) AND draft = false', true],
    ['state = "MERGED" or state = "OPEN"', true],
  ])('%s → %s', (q, expected) => {
    expect(matches(q)).toBe(expected);
  });
});

describe('matchesBbql: type mismatches are 400', () => {
  it.each<[string, string]>([
    ['id = "42"', 'Invalid value for field ".id": it holds numbers, which cannot be compared with the string "42"'],
    ['state = 1', 'Invalid value for field ".state": it holds text, which cannot be compared with the number 1'],
    ['draft = "false"', 'Invalid value for field ".draft": it holds booleans, which cannot be compared with the string "false"'],
    ['id ~ "4"', 'Invalid value for field ".id": it holds numbers, which cannot be compared with the string "4"'],
    ['author = "ann"', 'Invalid value for field ".author": it holds objects, which cannot be compared with the string "ann"'],
    ['state > 2024-01-01', 'Invalid value for field ".state": it holds text such as "OPEN", which cannot be compared with the datetime 2024-01-01'],
    ['id > 2024-01-01', 'Invalid value for field ".id": it holds numbers, which cannot be compared with the datetime 2024-01-01'],
    ['state IN ("OPEN", 1)', 'Invalid value for field ".state": it holds text, which cannot be compared with the number 1'],
  ])('%s', (q, message) => {
    expectSandboxError(() => matches(q), 400, message);
  });

  it('checks types lazily: a branch never evaluated reports nothing (README.md, known divergence)', () => {
    // Bitbucket knows each field's type from its schema; the sandbox only sees values, so it checks when it compares.
    expect(matches('state = "OPEN" OR id = "x"')).toBe(true);
  });
});

describe('field allow-lists', () => {
  const allowed = (path: string) => ['state', 'author.uuid', 'reviewers.uuid'].includes(path);

  it('accepts allowed fields', () => {
    expect(matchesBbql(parseBbql('state = "OPEN" AND reviewers.uuid = "{r1}"'), pr, { fieldAllowed: allowed })).toBe(true);
  });

  it.each<[string, string]>([
    ['title ~ "x"', 'Field ".title" does not support filtering'],
    ['state = "OPEN" OR (author.uuid = "{a1}" AND values.closed_on > 2023-06-05)', 'Field ".values.closed_on" does not support filtering'],
  ])('%s → 400', (q, message) => {
    expectSandboxError(() => matchesBbql(parseBbql(q), pr, { fieldAllowed: allowed }), 400, message);
    expectSandboxError(() => validateBbqlFields(parseBbql(q), allowed), 400, message);
  });

  it('rejects unknown fields even when no item is evaluated', () => {
    expectSandboxError(() => validateBbqlFields(parseBbql('nope = 1'), allowed), 400, 'Field ".nope" does not support filtering');
  });
});
