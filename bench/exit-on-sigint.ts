/**
 * Preloaded into the gateway by `bench:cpu` when it profiles (`BENCH_CPU_PROF`): node writes a `--cpu-prof` profile
 * only when the process exits by itself, not when a signal kills it, so SIGINT becomes an ordinary exit.
 */
process.once('SIGINT', () => process.exit(0));
