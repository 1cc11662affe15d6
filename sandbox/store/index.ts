export { SandboxStore } from './sandbox-store';
export { seedFacts, type SeedFacts } from './seed-facts';
