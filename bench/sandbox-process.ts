/**
 * The large-seed sandbox in a child process for the benchmarks, so its CPU is not counted as the gateway's.
 * Resolves once it listens; rejects if it exits or takes over 60 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export async function startSandboxProcess(port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '../sandbox/main.ts')], {
    // `env` overrides (bench:refresh picks the seed and SANDBOX_LATENCY_MS).
    env: { ...process.env, SANDBOX_PORT: String(port), SANDBOX_SIZE: 'large', SANDBOX_RATE_LIMIT: '100000000', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await listening(child, 'sandbox', 60_000);
  return child;
}

/** Resolves once `child` prints that it listens; rejects if it exits first or takes over `timeoutMs`. */
export function listening(child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (/listen/i.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/**
 * Benchmarks measure what a query costs, so the per-request call cap and deadline (which would stop the dearest
 * queries on the large seed) are lifted; the gateway's defaults are MAX_UPSTREAM_CALLS_PER_REQUEST=1000 and
 * REQUEST_DEADLINE_SECONDS=110.
 */
// The budget per principal and the response cache (issue #14) are off too: these benchmarks measure what one query
// costs Bitbucket, not what an hour allows or what a repeat saves.
export const UNCAPPED = { MAX_UPSTREAM_CALLS_PER_REQUEST: '1000000', REQUEST_DEADLINE_SECONDS: '3600', UPSTREAM_BUDGET_PER_HOUR: '0', UPSTREAM_CACHE_SECONDS: '0' } as const;
