/**
 * `bitbucket-odata connector --out DIR`: writes the two files paconn reads, from PUBLIC_URL or --public-url, and
 * refuses with a message that says what to give when something is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli';
import type { ApiProperties, OAuthConnectionParameter } from '../../src/connector';
import { CLIENT_ID_PLACEHOLDER } from '../../src/connector/connector-options';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'connector-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const readJson = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
/** The OAuth connection type's settings in an apiProperties.json. */
const oauthSettingsOf = (properties: ApiProperties) =>
  (properties.properties.connectionParameterSets.values.find((set) => set.name === 'oauth')?.parameters.token as OAuthConnectionParameter).oAuthSettings;

test('writes apiDefinition.swagger.json and apiProperties.json for --public-url', async () => {
  const result = await run(['connector', '--out', dir, '--public-url', 'https://gw.example/bb', '--client-id', 'my-key']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toContain('paconn create --api-def');
  const definition = readJson('apiDefinition.swagger.json');
  expect([definition.swagger, definition.host, definition.basePath]).toEqual(['2.0', 'gw.example', '/bb/odata']);
  expect(oauthSettingsOf(readJson('apiProperties.json')).clientId).toBe('my-key');
});

test('PUBLIC_URL and BITBUCKET_OAUTH_URL come from the environment; the client id defaults to a placeholder', async () => {
  const result = await run(['connector', '--out', join(dir, 'nested')], { PUBLIC_URL: 'https://odata.example.com', BITBUCKET_OAUTH_URL: 'https://bb.example' });
  expect(result.code).toBe(0);
  const definition = JSON.parse(readFileSync(join(dir, 'nested', 'apiDefinition.swagger.json'), 'utf8'));
  expect(definition.host).toBe('odata.example.com');
  expect(definition.securityDefinitions.oauth2_auth.tokenUrl).toBe('https://bb.example/site/oauth2/access_token');
  const properties = JSON.parse(readFileSync(join(dir, 'nested', 'apiProperties.json'), 'utf8'));
  expect(oauthSettingsOf(properties).clientId).toBe(CLIENT_ID_PLACEHOLDER);
});

test.each([
  ['no command', [], 'Usage:'],
  ['an unknown command', ['deploy'], "Unknown command 'deploy'"],
  ['no --out', ['connector', '--public-url', 'https://gw.example'], 'Give the output directory with --out DIR'],
  ['no public URL', ['connector', '--out', '.'], '--public-url https://odata.example.com (or set PUBLIC_URL)'],
  ['an invalid public URL', ['connector', '--out', '.', '--public-url', 'gw.example'], 'PUBLIC_URL="gw.example" is not a URL'],
  ['an unknown option', ['connector', '--out', '.', '--host', 'x'], "Unknown option '--host'"],
])('%s exits 2 and says what to give', async (_name, argv, message) => {
  const result = await run(argv);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(message);
});

test('`tsx src/cli.ts connector --out DIR` works from a checkout', () => {
  const root = join(__dirname, '..', '..');
  const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['src/cli.ts', 'connector', '--out', dir, '--public-url', 'https://gw.example'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(readJson('apiDefinition.swagger.json').host).toBe('gw.example');
});

test("the README's `npm run connector` line runs as printed from a clone after npm ci", () => {
  const root = join(__dirname, '..', '..');
  // The section's code blocks sit inside a numbered list (indented fences), so its lines are read as they are.
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Power Apps and Power Automate (custom connector)\n');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  const lines = section.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('npm run connector'));
  expect(lines).toHaveLength(1);
  // npm runs the script in the package root and passes the directory it was typed in as INIT_CWD; a folder inside
  // the checkout (node_modules is ignored by git) stands for "a clone's folder", so `--out connector` lands there.
  const cwd = mkdtempSync(join(root, 'node_modules', '.cache-readme-connector-'));
  try {
    const result = spawnSync('bash', ['-c', lines[0]], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const definition = JSON.parse(readFileSync(join(cwd, 'connector', 'apiDefinition.swagger.json'), 'utf8'));
    expect(definition.host).toBe('odata.example.com');
    expect(oauthSettingsOf(JSON.parse(readFileSync(join(cwd, 'connector', 'apiProperties.json'), 'utf8'))).clientId).toBe('YOUR-CONSUMER-KEY');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
