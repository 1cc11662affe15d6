/**
 * A taken port ends start-up with a non-zero exit and a message naming the port, for `npm start` (src/server.ts) and
 * for `npm run demo` (src/demo.ts, which also starts the sandbox on SANDBOX_PORT). Express 5's `app.listen` callback
 * also runs on 'error', so before the fix the gateway logged "gateway listening" and exited 0.
 * The entry points run as `npm run demo` runs them: tsx, in a child process.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(entry: string, env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    // An unreachable upstream keeps the check local (port 1 refuses); nothing here may reach the network.
    const child = spawn(TSX, [entry], { cwd: ROOT, env: { ...process.env, BITBUCKET_API_URL: 'http://127.0.0.1:1/2.0', LOG_LEVEL: 'info', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Still running after this long means it did not notice the taken port: stop it and fail with what it said.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let occupier: http.Server;
let takenPort: number;

beforeAll(async () => {
  occupier = http.createServer((_req, res) => res.end('another process'));
  await new Promise<void>((resolve) => occupier.listen(0, resolve));
  takenPort = (occupier.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => occupier.close(() => resolve())));

test('npm start on a taken PORT exits non-zero and says which port', async () => {
  const exit = await run('src/server.ts', { PORT: String(takenPort) });
  expect(exit.code).not.toBe(0);
  expect(exit.code).not.toBeNull();
  expect(exit.stderr).toContain(`Port ${takenPort} (PORT) is already in use`);
  expect(exit.stdout + exit.stderr).not.toContain('gateway listening');
}, 30_000);

test('npm run demo on a taken PORT exits non-zero and says which port, printing no URLs', async () => {
  const exit = await run('src/demo.ts', { PORT: String(takenPort), SANDBOX_PORT: '0' });
  expect(exit.code).not.toBe(0);
  expect(exit.code).not.toBeNull();
  expect(exit.stderr).toContain(`Port ${takenPort} (PORT) is already in use`);
  expect(exit.stdout).not.toContain('OData service root');
}, 30_000);

test('npm run demo on a taken SANDBOX_PORT exits non-zero and says which port, printing no URLs', async () => {
  const exit = await run('src/demo.ts', { PORT: '0', SANDBOX_PORT: String(takenPort) });
  expect(exit.code).not.toBe(0);
  expect(exit.code).not.toBeNull();
  expect(exit.stderr).toContain(`Port ${takenPort} (SANDBOX_PORT) is already in use`);
  expect(exit.stdout).not.toContain('OData service root');
}, 30_000);
