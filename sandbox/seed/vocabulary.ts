/**
 * Words the seed builds names, titles and messages from. Several entries are deliberately awkward: quotes,
 * apostrophes, backslashes, emoji, non-ASCII scripts, empty strings and texts that differ only in case, because
 * those are what break escaping, collation and case rules in a gateway.
 */

/** Generated people. Two display names differ only in case ("Alex Kim" / "alex kim"). */
export const PEOPLE: ReadonlyArray<readonly [displayName: string, nickname: string]> = [
  ['Alex Kim', 'alexkim'],
  ['alex kim', 'akim2'],
  ['José Álvarez', 'jalvarez'],
  ['Jürgen Müller', 'jmueller'],
  ['山田 太郎', 'tyamada'],
  ["Zoë O'Brien", 'zobrien'],
  ['Priya Natarajan', 'priyan'],
  ['Chen Wei', 'chenwei'],
  ['Fatima Zahra "Fazi" Benali', 'fbenali'],
  ['Mateus Costa', 'mcosta'],
  ['Ingrid Halvorsen', 'ihalvorsen'],
  ['Kwame Mensah', 'kmensah'],
  ['Léa Dubois', 'ldubois'],
  ['Oleksandr Shevchenko', 'oshevchenko'],
  ['Sofia Rossi', 'srossi'],
  ['Tomás Ó Briain', 'tobriain'],
  ['Emily Carter', 'ecarter'],
  ['Nguyễn Văn An', 'nvan'],
  ['Ravi Shankar', 'rshankar'],
  ['Hannah Schmidt', 'hschmidt'],
  ['Björn Lindqvist', 'blindqvist'],
  ['Aiko Tanaka', 'atanaka'],
];

export const PROJECT_TEMPLATES: ReadonlyArray<readonly [key: string, name: string, description: string]> = [
  ['CORE', 'Core Platform', 'Services every product depends on'],
  ['WEB', 'Web & Mobile', 'Customer-facing apps: web, iOS, Android'],
  ['OPS', 'Operations', 'Infrastructure, "ops" tooling and runbooks'],
  ['DATA', 'Data Ünit', 'Pipelines, warehouses and the analysts\' dashboards'],
  ['LAB', 'Labs', ''],
];

export const HARBOR_PROJECT_TEMPLATES: ReadonlyArray<readonly [key: string, name: string, description: string]> = [
  ['DOCK', 'Docking', 'Berth scheduling and crane control'],
  ['FLEET', 'Fleet', 'Vessel tracking 🚢'],
  ['ADM', 'Administration', 'Back-office tools, C:\\shared\\admin mirrors'],
];

/** Repository names; the slug is derived from the name (lower case, non-alphanumerics to dashes). */
export const ACME_REPOSITORY_NAMES: readonly string[] = [
  'platform-api', 'Web Frontend', 'billing-service', 'infra-terraform', 'mobile-app', 'docs', 'data-pipeline',
  'auth-service', 'Design System', 'Widget', 'cli-tools', 'search-indexer', 'notification-worker',
  'Café Menü', 'payments-sdk',
];

export const HARBOR_REPOSITORY_NAMES: readonly string[] = [
  'harbor-core', 'dock-scheduler', 'manifest-parser', 'cargo-tracker', 'tide-tables', 'lighthouse', 'port-ops',
  'crane-control', 'fleet-ui', 'bilge-pump',
];

export const LANGUAGES: readonly string[] = ['typescript', 'python', 'go', 'java', 'kotlin', 'rust', 'shell', 'hcl', ''];

export const REPOSITORY_DESCRIPTIONS: readonly string[] = [
  '',
  'The public entry point for every API call',
  'Handles invoices, "credits" and refunds',
  "Terraform for everything that isn't Kubernetes",
  'Paths like C:\\Users\\build\\cache must keep their backslashes',
  'Ships on Fridays 🚀',
  'Résumé parsing, façade patterns and naïve caches',
  '日本語のドキュメント',
  'Docs for the Widget team',
];

export const TOPICS: readonly string[] = [
  'login', 'checkout', 'search', 'caching', 'retry logic', 'pagination', 'CSV export', 'dark mode', 'webhooks',
  'rate limiting', 'i18n', 'timezone handling', 'feature flags', 'audit log', 'SSO', 'invoice PDFs',
];

export const BRANCH_PREFIXES: readonly string[] = ['feature', 'bugfix', 'hotfix', 'chore', 'release'];

/** Pull request titles; `%s` takes a topic. Includes quotes, apostrophes, backslashes, emoji and other scripts. */
export const PR_TITLE_TEMPLATES: readonly string[] = [
  'Add %s',
  'Fix %s',
  'Refactor %s',
  'Improve %s performance',
  'Fix "quoted" values in %s',
  "Don't crash on empty %s",
  'Escape backslashes (C:\\temp\\%s)',
  'Support emoji in %s 🎉',
  'Résumé and café names in %s',
  'Übersetzung für %s',
  '日本語のサポート: %s',
  'Update README',
  'update readme',
  'WIP: %s',
  'Bump dependencies',
];

export const PR_DESCRIPTIONS: readonly string[] = [
  '',
  'Closes the ticket. Tested locally.',
  'This changes how we handle "edge cases" — see the thread.',
  "It's a small change; reviewers' time should be short.",
  'Windows paths like C:\\Program Files\\App\\ now survive a round trip.',
  '* first\n* second\n\n```\ncode block\n```',
  'Überarbeitet. 日本語もOK. 🙂',
];

export const COMMIT_MESSAGE_TEMPLATES: readonly string[] = [
  'Add %s',
  'Fix %s',
  'Refactor %s\n\nSplits the module in two; no behaviour change.',
  'Tweak %s tests',
  'Handle "null" in %s',
  "Revert \"Fix %s\"\n\nThis reverts the previous commit; it broke the build.",
  'Use C:\\cache for %s on Windows',
  '%s: ✨ polish',
  'Übernimm %s',
  '%s の修正',
];

export const COMMENT_TEXTS: readonly string[] = [
  'LGTM',
  'Could we add a test for this?',
  'Nit: rename this to "fetchAll"?',
  "I don't think this handles the empty case.",
  'Typo: C:\\tmp should be C:\\temp',
  '👍 ship it',
  'Pourquoi pas une constante ici ? Ça simplifierait.',
  'この変更は問題ありません。',
  '',
];

export const PIPELINE_IMAGES: readonly string[] = ['atlassian/default-image:4', 'node:20', 'python:3.12', 'golang:1.23'];
