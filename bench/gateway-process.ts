/**
 * The gateway (`src/server.ts`) in a child process for `npm run bench`, so its CPU time and peak RSS are its own: not
 * the sandbox's (another child) nor the bench client's, which parses every answer. Linux only: both are read from
 * /proc/<pid>. `bench:cpu` and `bench:memory` start theirs here too, with node options of their own (a CPU profile, a
 * small heap).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface GatewayProcess {
  port: number;
  /** The process itself: whether it is still alive (`exitCode`, `signalCode`), its pid. */
  child: ChildProcess;
  /** User + system CPU time the process has used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** Ends the process (SIGINT lets node write a `--cpu-prof` profile on its way out) and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `nodeArgs` go to node before the gateway's own (`--max-old-space-size=256`, `--cpu-prof`…). `compiledServer`: the
 * gateway as `npm run build` ships it (a `server.js` tsc emitted, see `compileGateway` in cpu.ts) instead of
 * src/server.ts through tsx, whose transform wraps every function made at run time in a naming helper (`__name`).
 */
export async function startGatewayProcess(port: number, env: Record<string, string>, nodeArgs: readonly string[] = [], compiledServer?: string): Promise<GatewayProcess> {
  const entry = compiledServer !== undefined ? [compiledServer] : ['--require', require.resolve('tsx/cjs'), path.join(__dirname, '../src/server.ts')];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...entry], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = child.pid as number;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    if (attempt >= 600) throw new Error('gateway not ready within 120 s');
    const ready = await new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/health' }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    port,
    child,
    cpuMs() {
      // Fields after the command name (in parentheses, may hold spaces): utime is the 14th, stime the 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    },
    peakRssMiB() {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(kb) / 1024;
    },
    async stop(signal = 'SIGTERM') {
      // A process ended by a signal has no exit code: waiting for its 'exit' then would never end.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * The gateway as `npm run build` ships it: tsc's output of tsconfig.build.json in a fresh folder under
 * node_modules/.cache (so the compiled gateway resolves its dependencies from the project's node_modules); returns
 * its `server.js` and the folder, for the caller to remove. A bench measures this, not src/server.ts through tsx,
 * whose transform wraps every function made at run time in a naming helper (`__name`) the shipped build has not.
 */
export function compileGateway(): { server: string; outDir: string } {
  const root = path.join(__dirname, '..');
  const cache = path.join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(path.join(cache, 'bench-gateway-'));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
  return { server: path.join(outDir, 'src', 'server.js'), outDir };
}
