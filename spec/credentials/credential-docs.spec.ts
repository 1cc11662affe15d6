/**
 * Client rule AU-05 (from Microsoft's OData Feed connector, learn.microsoft.com/power-query/connectors/odata-feed, and
 * Power BI service refresh documentation, learn.microsoft.com/power-bi/connect-data/refresh-data): the documentation never tells users to put a token into the M code or the URL
 * path (a credential in the URL or query text leaks into logs and links, and dynamic URLs stop service refresh).
 * A lint over what users read: the README and the web console's connection steps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const consoleSources = readdirSync(join(ROOT, 'console', 'src'), { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && /\.(tsx?|html)$/.test(entry.name))
  .map((entry) => join(entry.parentPath, entry.name));
const DOCS = [join(ROOT, 'README.md'), ...consoleSources];

/** A credential written into a URL or M code: userinfo, a token-like query parameter with a value, a token in a path. */
const CREDENTIAL_IN_URL = [
  /https?:\/\/[^\s/'"`]*:[^\s/'"`@]*@/i, // https://user:secret@host
  /[?&](api_key|access_token|token|password|apikey)=(?!<key>|\$\{|\{)[^\s&'"`)]+/i, // ?api_key=abc (placeholders excepted below)
  /OData\.Feed\([^)]*(api_key|access_token|password)\s*=/i, // a credential inside the M code's URL
  /Headers\s*=\s*\[\s*Authorization/i, // M code that sets Authorization itself
];

test('AU-05: no document tells users to put a token into the M code or the URL', () => {
  expect(DOCS.length).toBeGreaterThan(1);
  const found: string[] = [];
  for (const file of DOCS) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        for (const pattern of CREDENTIAL_IN_URL) if (pattern.test(line)) found.push(`${file.slice(ROOT.length + 1)}:${index + 1}: ${line.trim().slice(0, 120)}`);
      });
  }
  expect(found).toEqual([]);
});

test('AU-05: the README says the opposite where a key is used: Power Query adds it, never write it into the URL or M code yourself', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toMatch(/Never put the key into the URL or\s+the M code yourself/);
  expect(readme).toMatch(/ApiKeyName="api_key"/);
});

test('AU-05: the lint is not vacuous', () => {
  const bad = ['OData.Feed("https://gw/odata/?api_key=abc123")', 'open https://me%40x.com:tok@gw.example/odata/', 'OData.Feed(url, [Headers=[Authorization="Bearer x"]])'];
  for (const line of bad) expect({ line, caught: CREDENTIAL_IN_URL.some((pattern) => pattern.test(line)) }).toEqual({ line, caught: true });
});
