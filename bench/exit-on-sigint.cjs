// The plain-JS twin of exit-on-sigint.ts, for a compiled gateway (no tsx to load TypeScript): node writes a
// `--cpu-prof` profile only when the process exits by itself, not when a signal kills it.
process.once('SIGINT', () => process.exit(0));
