import { DEFAULT_SANDBOX_OPTIONS, type SandboxOptions } from './options';
import { startSandbox } from './app';
import { quirksFromEnv } from './quirks';

/** Reads a number from the environment; a malformed value stops start-up with a message naming the variable. */
function numberFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}=${raw} is not a number from ${min} to ${max}`);
  }
  return value;
}

function optionsFromEnv(): { options: Partial<SandboxOptions>; port: number } {
  const size = process.env.SANDBOX_SIZE ?? DEFAULT_SANDBOX_OPTIONS.size;
  if (size !== 'default' && size !== 'large') throw new Error(`SANDBOX_SIZE=${size} must be "default" or "large"`);
  const faults = DEFAULT_SANDBOX_OPTIONS.faults;
  return {
    port: numberFromEnv('SANDBOX_PORT', 7990, 0, 65535),
    options: {
      size,
      seed: numberFromEnv('SANDBOX_SEED', DEFAULT_SANDBOX_OPTIONS.seed, 0, 0xffff_ffff),
      rateLimitPerHour: numberFromEnv('SANDBOX_RATE_LIMIT', DEFAULT_SANDBOX_OPTIONS.rateLimitPerHour, 0, Number.MAX_SAFE_INTEGER),
      notModifiedCounts: process.env.SANDBOX_NOT_MODIFIED_COUNTS !== 'false',
      publicUrl: process.env.SANDBOX_PUBLIC_URL || undefined,
      webhookRelayUrl: process.env.SANDBOX_WEBHOOK_RELAY_URL || undefined,
      webhookRetryDelayMs: numberFromEnv('SANDBOX_WEBHOOK_RETRY_DELAY_MS', DEFAULT_SANDBOX_OPTIONS.webhookRetryDelayMs, 0, 600_000),
      webhookTimeoutMs: numberFromEnv('SANDBOX_WEBHOOK_TIMEOUT_MS', DEFAULT_SANDBOX_OPTIONS.webhookTimeoutMs, 1, 600_000),
      // SANDBOX_PROFILE (ideal | realistic) and SANDBOX_QUIRKS (comma-separated): an unknown name stops start-up.
      quirks: quirksFromEnv(process.env),
      faults: {
        latencyMs: numberFromEnv('SANDBOX_LATENCY_MS', faults.latencyMs, 0, 60_000),
        errorRate: numberFromEnv('SANDBOX_ERROR_RATE', faults.errorRate, 0, 1),
        resetRate: numberFromEnv('SANDBOX_RESET_RATE', faults.resetRate, 0, 1),
        truncateRate: numberFromEnv('SANDBOX_TRUNCATE_RATE', faults.truncateRate, 0, 1),
      },
    },
  };
}

async function main(): Promise<void> {
  const { options, port } = optionsFromEnv();
  const sandbox = await startSandbox(options, port);
  console.log(`Bitbucket sandbox (${options.size}, seed ${options.seed}) listening on ${sandbox.url}`);
  console.log(`  API:       ${sandbox.apiUrl}`);
  console.log(`  OAuth:     ${sandbox.url}/site/oauth2/authorize, ${sandbox.url}/site/oauth2/access_token`);
  console.log(`  Controls:  ${sandbox.url}/_sandbox/health, /_sandbox/requests, /_sandbox/reset, /_sandbox/quirks`);
  console.log(`  Quirks:    ${sandbox.quirks.list().join(', ') || 'none (a well-behaved Bitbucket)'}`);
  const stop = () => { void sandbox.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
