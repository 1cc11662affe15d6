/**
 * The web console in a real browser: Debian's Chromium (`/usr/bin/chromium`, which .ci/run installs) driven by
 * playwright-core, against the gateway and the sandbox on real sockets, set up as `npm run demo` sets them up
 * (service mode with the demo user's token, the sandbox's OAuth consumer). Screenshots go to
 * spec/console/artifacts/ (git-ignored); `UPDATE_README_SCREENSHOT=1` also rewrites docs/console-explore.png.
 *
 * Chromium must start: CI installs it, so a missing or broken browser fails this spec, loudly, never skips it.
 */
import { existsSync, mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_OAUTH_CONSUMER, DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import { startStack, type Stack } from '../helpers/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// What this machine's Chromium needs to start headless as root without reaching for Google's hosts
// (/work/.library/env/machines/node.md, "Known to work"); playwright adds --headless and a fresh profile itself.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.join(__dirname, 'artifacts');
const README_SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'console-explore.png');

let stack: Stack;
let server: Server;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every Content-Security-Policy violation and page error the browser reported. */
const pageProblems: string[] = [];
// Expressions evaluated in the page are strings: the specs' tsconfig has Node's types, not the DOM's.

jest.setTimeout(90_000);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.`);
  }
  if (!existsSync(path.join(__dirname, '..', '..', 'dist', 'console', 'index.html'))) {
    throw new Error('The console is not built: run npm run build:console (npm test and npm run demo do it first).');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({
    env: {
      SERVICE_MODE: 'access_token',
      SERVICE_ACCESS_TOKEN: DEMO_USER.bearerToken,
      OAUTH_CLIENT_ID: DEMO_OAUTH_CONSUMER.clientId,
      OAUTH_CLIENT_SECRET: DEMO_OAUTH_CONSUMER.clientSecret,
      // As in the demo: the gateway counts each caller's Bitbucket calls and reports what is left (X-Budget-*).
      UPSTREAM_BUDGET_PER_HOUR: '1000',
    },
  });
  server = stack.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }).catch((error: unknown) => {
    throw new Error(`Chromium at ${CHROMIUM} did not start: ${error instanceof Error ? error.message : String(error)}`);
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(message.text());
  });
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.close();
});

afterEach(() => {
  // No test may leave a CSP violation or an uncaught error behind.
  expect(pageProblems).toEqual([]);
});

async function shot(name: string, target: Page = page): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await target.screenshot({ path: file, fullPage: true });
  return file;
}

test('sign-in (demo): without an account the console shows the demo user and the workspaces it sees', async () => {
  await page.goto(`${base}/`);
  const identity = page.getByTestId('identity');
  await identity.waitFor();
  expect(await identity.textContent()).toContain(DEMO_USER.displayName);
  expect(await identity.textContent()).toContain('service mode');
  const workspaces = await page.getByTestId('workspaces').locator('li').allTextContents();
  expect(workspaces.join(' ')).toContain('acme-dev');
  expect(await page.getByRole('link', { name: 'Sign in with Bitbucket' }).getAttribute('href')).toBe('/auth/login?return_to=/');
  await shot('signin-demo');
});

test('sign-in with an API token: requests carry it, the field is emptied, the page never shows it; a refused token says why', async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('identity').waitFor();
  await page.getByLabel('Atlassian account email').fill(OTHER_USER.email);
  await page.getByLabel('API token', { exact: true }).fill(OTHER_USER.apiToken);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.getByText(`Signed in as ${OTHER_USER.displayName}`).waitFor();
  expect(await page.getByLabel('API token', { exact: true }).inputValue()).toBe('');
  expect(await page.content()).not.toContain(OTHER_USER.apiToken);
  await page.getByRole('button', { name: 'Forget the API token' }).click();
  await page.getByText(`Signed in as ${DEMO_USER.displayName}`).waitFor();

  await page.getByLabel('Atlassian account email').fill(OTHER_USER.email);
  await page.getByLabel('API token', { exact: true }).fill('ATATT-not-a-token');
  await page.getByRole('button', { name: 'Use this token' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  expect(await alert.textContent()).toMatch(/^Not signed in: /);
  await shot('signin-refused-token');
});

test('connect: copy the feed URL, download the connector files and the .pbids', async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('identity').waitFor();
  // Keyboard only: Tab past the skip link and the Sign in tab to Connect, Enter opens it.
  await page.keyboard.press('Tab');
  expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Skip to content');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Connect');
  await page.keyboard.press('Enter');
  const feed = page.getByLabel('OData feed URL');
  expect(await feed.inputValue()).toBe(`${base}/odata/`);

  await page.getByRole('button', { name: 'Copy the feed URL' }).click();
  await page.getByText('Copied').first().waitFor();
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(`${base}/odata/`);

  const [definition] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-definition').click()]);
  expect(definition.suggestedFilename()).toBe('apiDefinition.swagger.json');
  const swagger = JSON.parse(readFileSync(await definition.path(), 'utf8')) as { swagger: string; host: string };
  expect(swagger.swagger).toBe('2.0');
  expect(swagger.host).toBe(new URL(base).host);
  const [properties] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-properties').click()]);
  expect(properties.suggestedFilename()).toBe('apiProperties.json');
  expect(JSON.parse(readFileSync(await properties.path(), 'utf8'))).toHaveProperty('properties');

  const [pbids] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Power BI data source file (.pbids)' }).click()]);
  expect(pbids.suggestedFilename()).toBe('bitbucket-odata.pbids');
  expect(JSON.parse(readFileSync(await pbids.path(), 'utf8'))).toMatchObject({ connections: [{ details: { protocol: 'odata', address: { url: `${base}/odata/` } } }] });
  await shot('connect');
});

test('explore: a filter built from dropdowns shows the URL, the rows, the Bitbucket calls it cost and the plan', async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('identity').waitFor();
  await page.getByRole('button', { name: 'Explore' }).click();
  await page.getByLabel('Entity set').selectOption('PullRequests');
  for (const column of ['Workspace', 'RepositorySlug', 'Id', 'Title', 'State']) await page.getByRole('checkbox', { name: column, exact: true }).check();
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByLabel('Property of condition 1').selectOption('State');
  await page.getByLabel('Operator of condition 1').selectOption('eq');
  await page.getByLabel('Value of condition 1').fill('OPEN');
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByLabel('Property of condition 2').selectOption('Workspace');
  await page.getByLabel('Value of condition 2').fill('acme-dev');
  await page.getByLabel('Order by').selectOption('CreatedOn');
  await page.getByLabel('Direction').selectOption('desc');
  await page.getByLabel('Top (rows)').fill('5');
  const url = await page.getByLabel('OData URL', { exact: true }).inputValue();
  expect(url).toBe(`${base}/odata/PullRequests?$select=Workspace,RepositorySlug,Id,Title,State&$filter=State%20eq%20'OPEN'%20and%20Workspace%20eq%20'acme-dev'&$orderby=CreatedOn%20desc&$top=5`);

  await stack.clearUpstreamCalls();
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.getByTestId('rows').waitFor();
  const calls = await stack.upstreamCalls();
  const rows = page.getByTestId('rows').locator('tbody tr');
  expect(await rows.count()).toBe(5);
  for (const state of await page.getByTestId('rows').locator('tbody tr td:nth-child(5)').allTextContents()) expect(state).toBe('OPEN');
  expect(await page.getByTestId('upstream-requests').textContent()).toBe(`Bitbucket calls (X-Upstream-Requests): ${calls.length}`);
  expect(calls.length).toBeGreaterThan(0);
  const plan = (await page.getByTestId('plan').textContent()) ?? '';
  expect(plan).toContain('GET /repositories/acme-dev/{repo_slug}/pullrequests');
  expect(plan).toContain('q=state = "OPEN" (exact)');
  expect(plan).toContain('sort=-created_on');
  expect(plan).toMatch(/fields=\S*title/);
  expect(plan).toContain('repo_slug not given: read for every one you can see');
  // The demo's sandbox sends no X-RateLimit-* to a user's token; the gateway's own count of the caller's hour is shown.
  const budget = (await page.getByTestId('rate-limit').allTextContents()).join(' ');
  expect(budget).toMatch(/x-budget-remaining: \d+/i);
  expect(budget).not.toMatch(/x-ratelimit-/i);
  const file = await shot('explore');
  if (process.env.UPDATE_README_SCREENSHOT === '1') {
    mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
    copyFileSync(file, README_SCREENSHOT);
  }
});

test('explore: a typed $filter the gateway refuses shows the OData error message', async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('identity').waitFor();
  await page.getByRole('button', { name: 'Explore' }).click();
  await page.getByLabel('Entity set').selectOption('PullRequests');
  await page.getByLabel('Type the $filter in OData instead').check();
  await page.getByLabel('$filter', { exact: true }).fill('State eq OPEN');
  await page.getByRole('button', { name: 'Run query' }).click();
  const error = page.getByTestId('query-error');
  await error.waitFor();
  expect(await error.textContent()).toContain("400 UnknownProperty: Property 'OPEN' does not exist on PullRequest.");
  expect(await error.textContent()).not.toMatch(/at \w+ \(|\.ts:\d+/);
  await shot('explore-error');
});

test('phone width and dark: nothing scrolls sideways, and the dark theme applies', async () => {
  const phone = await context.newPage();
  phone.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.emulateMedia({ colorScheme: 'dark' });
  await phone.goto(`${base}/`);
  await phone.getByTestId('identity').waitFor();
  const background = await phone.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  expect(background).toBe('rgb(22, 26, 29)');
  for (const view of ['Sign in', 'Connect', 'Explore']) {
    await phone.getByRole('button', { name: view, exact: true }).click();
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect({ view, overflow }).toEqual({ view, overflow: 0 });
    await shot(`phone-dark-${view.toLowerCase().replace(' ', '-')}`, phone);
  }
  // The header's button overrides the system's choice.
  await phone.getByRole('button', { name: /Colour scheme/ }).click();
  await phone.waitForFunction("document.documentElement.dataset.theme === 'light'");
  expect(await phone.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe('rgb(247, 248, 250)');
  await phone.close();
});
