/**
 * The README's curl guide, run as printed with the real curl binary against the demo set-up (the sandbox behind the
 * gateway, service mode with the demo user as `npm run demo` has it, so no line needs a credential). The only change
 * is the host: `ROOT=` points at the test gateway. The lines run top to bottom in one bash process, because the
 * writes build on each other (the ETag of a read becomes the If-Match of the update).
 *
 * Each curl call must exit 0 with the status the line's comment documents (or any 2xx when it documents none) and a
 * body that parses as what its Content-Type says; the error example must be the OData error object it shows. The
 * writes are then read back through the gateway.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { DEMO_USER } from '../../sandbox/identities';
import { startListeningGateway, type ListeningGateway } from '../clients/support/listening-gateway';
import { readmeShellSection, type ShellLine } from './support/readme-shell-section';
import { runRecordingCurl, type RecordedCurl, type RecordingRun } from './support/run-recording-curl';

const README = join(__dirname, '..', '..', 'README.md');
const SECTION = '### curl, one example per query option';
const DEMO_ROOT = 'http://localhost:8080/odata';
const PULL_REQUEST_7 = "PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=7)";

const lines = readmeShellSection(README, SECTION);
const curlLines = lines.filter((line) => line.runsCurl);

let gateway: ListeningGateway;
let run: RecordingRun;
let before: { pullRequest: Record<string, unknown>; mainHead: string; tagCount: number };

/** GET through the gateway as the demo's anonymous caller. */
async function read(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.serviceRoot}${path}`);
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const callsOf = (line: ShellLine): RecordedCurl[] => run.calls.filter((call) => lines[call.scriptLine - 1] === line);
const where = (line: ShellLine) => `README.md:${line.readmeLine}: ${line.code.trim()}`;
/** -o and -w send the body elsewhere (or print something else), so stdout is not the body. */
const stdoutIsBody = (call: RecordedCurl) => !call.args.some((arg) => ['-o', '--output', '-w', '--write-out'].includes(arg));

beforeAll(async () => {
  for (const tool of ['bash', 'curl', 'jq']) {
    try {
      execFileSync('bash', ['-c', `type -P ${tool}`]);
    } catch {
      throw new Error(`The README's curl guide needs ${tool} on the PATH.`);
    }
  }
  // What `npm run demo` does (src/demo.ts): requests without credentials act as the demo user's access token.
  gateway = await startListeningGateway({ serviceMode: { kind: 'access_token', token: DEMO_USER.bearerToken } });
  const mainBranch = await read("Branches(Workspace='acme-dev',RepositorySlug='platform-api',Name='main')");
  before = {
    pullRequest: (await read(PULL_REQUEST_7)).body,
    mainHead: String(mainBranch.body.TargetHash),
    tagCount: Number(await (await fetch(`${gateway.serviceRoot}Tags/$count`)).text()),
  };
  const rootLines = lines.filter((line) => line.code.startsWith('ROOT='));
  expect(rootLines.map((line) => line.code.trim())).toEqual([`ROOT=${DEMO_ROOT}`]);
  const root = gateway.serviceRoot.replace(/\/$/, '');
  run = await runRecordingCurl(lines.map((line) => (line.code.startsWith('ROOT=') ? line.text.replace(DEMO_ROOT, root) : line.text)));
});

afterAll(async () => {
  await gateway?.close();
});

test('the section has an example of every query option and write the guide promises', () => {
  const code = curlLines.map((line) => line.code).join('\n');
  const promised = ['\\$metadata"', '\\$format=json', '$filter=', "''", ' in (', '$select=', '$orderby=', '$top=', '$skip=', '$count=true', '/\\$count', '$search=', ')/PullRequests', 'Name=\'feature/', 'odata.maxpagesize', '\\$format=', '-X POST', '-X PATCH', 'If-Match', '-X DELETE', 'Bitbucket.Approve', 'Bitbucket.Merge'];
  for (const fragment of promised) expect(code).toContain(fragment);
  expect(lines.map((line) => line.text).join('\n')).toContain('@odata.nextLink');
});

test('every curl line ran, and nothing else called curl', () => {
  expect(run.calls.length).toBeGreaterThan(0);
  const silent = curlLines.filter((line) => callsOf(line).length === 0).map(where);
  expect(silent).toEqual([]);
  const strays = run.calls.filter((call) => !lines[call.scriptLine - 1]?.runsCurl);
  expect(strays).toEqual([]);
});

describe.each(curlLines.map((line) => [where(line), line] as const))('%s', (_where, line) => {
  test('exits 0 with the documented status (else 2xx) and a body of its Content-Type', () => {
    const calls = callsOf(line);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      // Whole objects, so a failure shows the status and body together with what was expected.
      const seen = { exitCode: call.exitCode, status: call.status, body: call.stdout.slice(0, 500) };
      if (call.exitCode !== 0) expect({ ...seen, curlStderr: run.stderr.slice(-2000) }).toEqual({ ...seen, exitCode: 0 });
      const is2xx = call.status >= 200 && call.status < 300;
      expect(seen).toEqual({ ...seen, status: line.documentedStatus ?? (is2xx ? call.status : '2xx') });
      if (stdoutIsBody(call)) expectBodyOfItsType(call);
    }
  });
});

function expectBodyOfItsType(call: RecordedCurl): void {
  const contentType = call.headers['content-type'] ?? '';
  if (call.status === 204) {
    expect(call.stdout).toBe('');
  } else if (contentType.startsWith('application/xml')) {
    expect(XMLValidator.validate(call.stdout)).toBe(true);
  } else if (contentType.startsWith('text/plain')) {
    expect(call.stdout).toMatch(/^\d+$/);
  } else {
    expect(contentType).toMatch(/^application\/json/);
    expect(() => JSON.parse(call.stdout)).not.toThrow();
  }
}

test('$metadata answers XML by default and CSDL JSON with $format=json', () => {
  const metadata = run.calls.filter((call) => call.args.some((arg) => /\/\$metadata(\?|$)/.test(arg)));
  expect(metadata.map((call) => call.headers['content-type']?.split(';')[0])).toEqual(['application/xml', 'application/json']);
  expect(JSON.parse(metadata[1].stdout)).toHaveProperty('$Version', '4.0');
});

test("the doubled ' finds the pull request whose title has one", () => {
  const line = curlLines.find((candidate) => candidate.code.includes("''"));
  const body = JSON.parse(callsOf(line as ShellLine)[0].stdout) as { value: Array<{ Title: string }> };
  expect(body.value.length).toBeGreaterThan(0);
  for (const row of body.value) expect(row.Title).toContain("'");
});

test('the paging loop follows @odata.nextLink to the last page, 20 rows at a time', () => {
  const pages = run.calls.filter((call) => call.args.includes('Prefer: odata.maxpagesize=20'));
  expect(pages).toHaveLength(Math.ceil(before.tagCount / 20));
  const bodies = pages.map((page) => JSON.parse(page.stdout) as { value: unknown[]; '@odata.nextLink'?: string });
  expect(bodies.reduce((rows, body) => rows + body.value.length, 0)).toBe(before.tagCount);
  expect(bodies.map((body) => body['@odata.nextLink'] !== undefined)).toEqual(bodies.map((_body, index) => index < bodies.length - 1));
  for (const page of pages) expect(page.headers['preference-applied']).toBe('odata.maxpagesize=20');
});

describe('the writes changed the data (read back through the gateway)', () => {
  test('the project exists', async () => {
    const project = await read("Projects(Workspace='acme-dev',Key='DOCS')");
    expect(project.status).toBe(200);
    expect(project.body.Name).toBe('Documentation');
  });

  test("the branch was created at main's head, then deleted", async () => {
    const [created] = run.calls.filter((call) => call.args.some((arg) => arg.endsWith('/Branches')));
    expect(created.status).toBe(201);
    expect(JSON.parse(created.stdout)).toMatchObject({ Name: 'feature/readme-demo', TargetHash: before.mainHead });
    const [deleted] = run.calls.filter((call) => call.args.includes('DELETE'));
    expect(deleted.status).toBe(204); // a branch that never existed would be 404
    expect((await read("Branches(Workspace='acme-dev',RepositorySlug='platform-api',Name='feature%2Freadme-demo')")).status).toBe(404);
  });

  test('the update sent the ETag of the read before it as If-Match', () => {
    const etagRead = run.calls.find((call) => call.args.includes('%header{etag}'));
    const patch = run.calls.find((call) => call.args.includes('PATCH'));
    expect(etagRead?.stdout).toBe(before.pullRequest['@odata.etag']);
    expect(patch?.args).toContain(`If-Match: ${String(before.pullRequest['@odata.etag'])}`);
  });

  test('the pull request was renamed, approved once more and merged', async () => {
    const after = await read(PULL_REQUEST_7);
    expect(after.body).toMatchObject({ Title: 'Update README: curl examples', State: 'MERGED', ApprovalCount: Number(before.pullRequest.ApprovalCount) + 1 });
    expect(after.body.MergeCommitHash).toEqual(expect.any(String));
    expect(before.pullRequest.State).toBe('OPEN');
  });
});

test('the error example is the OData error object the README shows', () => {
  const line = curlLines.find((candidate) => candidate.documentedStatus !== undefined && candidate.documentedStatus >= 400) as ShellLine;
  const [call] = callsOf(line);
  expect(call.status).toBe(line.documentedStatus);
  const body = JSON.parse(call.stdout) as { error: { code: string; message: string } };
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  expect(line.comment).toContain(`"code":"${body.error.code}"`);
  expect(line.comment).toContain(body.error.message.split('. ')[0]);
});
