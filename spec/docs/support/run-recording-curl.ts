/**
 * Runs shell lines in one bash process, as a reader pasting them into a terminal would (variables set by one line are
 * there for the next), and records every curl invocation: which script line made it, its arguments, exit code, HTTP
 * status, headers and what it wrote to stdout. `curl` is a shell function that calls the real curl binary with one
 * extra option, `-D <file>` (dump the response headers), so every example runs as printed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedCurl {
  /** 1-based line of the script given to runRecordingCurl (not counting the recorder's own prelude). */
  scriptLine: number;
  args: string[];
  exitCode: number;
  /** Status of the last response in the header dump; 0 when there was none (connection refused). */
  status: number;
  /** Lower-cased header names of that response. */
  headers: Record<string, string>;
  /** What curl wrote to stdout (the body, unless the line redirected it with -o or replaced it with -w). */
  stdout: string;
}

export interface RecordingRun {
  calls: RecordedCurl[];
  /** bash's own stderr (curl progress meters, jq errors), for failure messages. */
  stderr: string;
}

// `type -P` finds the curl binary before the function shadows the name. The counter lives in a file because calls
// inside `$(…)` run in subshells, whose variables die with them; the lines run one after another, so it never races.
const PRELUDE = [
  'CURL_BINARY=$(type -P curl) || { echo "curl is not installed" >&2; exit 127; }',
  'echo 0 > "$CURL_CALLS_DIR/count"',
  'curl() {',
  '  local n; n=$(( $(< "$CURL_CALLS_DIR/count") + 1 )); echo "$n" > "$CURL_CALLS_DIR/count"',
  '  echo "$(( BASH_LINENO[0] - CURL_PRELUDE_LINES ))" > "$CURL_CALLS_DIR/$n.line"',
  '  printf \'%s\\0\' "$@" > "$CURL_CALLS_DIR/$n.args"',
  '  "$CURL_BINARY" -D "$CURL_CALLS_DIR/$n.headers" "$@" | tee "$CURL_CALLS_DIR/$n.stdout"',
  '  local code=${PIPESTATUS[0]}; echo "$code" > "$CURL_CALLS_DIR/$n.exit"; return "$code"',
  '}',
];

export async function runRecordingCurl(scriptLines: readonly string[]): Promise<RecordingRun> {
  const dir = await mkdtemp(join(tmpdir(), 'readme-curl-'));
  try {
    const scriptPath = join(dir, 'examples.sh');
    await writeFile(scriptPath, [...PRELUDE, ...scriptLines, ''].join('\n'));
    // Asynchronous on purpose: the gateway under test answers from this same process's event loop.
    const stderr = await new Promise<string>((resolve) => {
      execFile(
        'bash',
        [scriptPath],
        { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, CURL_CALLS_DIR: dir, CURL_PRELUDE_LINES: String(PRELUDE.length) }, maxBuffer: 64 * 1024 * 1024 },
        (_error, _stdout, stderrText) => resolve(String(stderrText)),
      );
    });
    return { calls: await readCalls(dir), stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readCalls(dir: string): Promise<RecordedCurl[]> {
  const count = Number((await readFile(join(dir, 'count'), 'utf8').catch(() => '0')).trim());
  const names = new Set(await readdir(dir));
  const calls: RecordedCurl[] = [];
  for (let n = 1; n <= count; n += 1) {
    const read = async (suffix: string) => (names.has(`${n}.${suffix}`) ? readFile(join(dir, `${n}.${suffix}`), 'utf8') : '');
    const args = (await read('args')).split('\0');
    args.pop(); // printf leaves a NUL after the last argument
    const { status, headers } = parseHeaderDump(await read('headers'));
    calls.push({ scriptLine: Number((await read('line')).trim()), args, exitCode: Number((await read('exit')).trim() || NaN), status, headers, stdout: await read('stdout') });
  }
  return calls;
}

/** The last response of a `-D` dump (a dump holds one block per response, e.g. after a 100 Continue). */
function parseHeaderDump(dump: string): { status: number; headers: Record<string, string> } {
  const blocks = dump.split(/\r?\n\r?\n/).filter((block) => /^HTTP\//.test(block));
  const last = blocks.at(-1);
  if (last === undefined) return { status: 0, headers: {} };
  const [statusLine, ...fields] = last.split(/\r?\n/);
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon > 0) headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}
