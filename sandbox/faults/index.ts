/** Fault injection for the sandbox's /2.0 API: the middleware, its runtime controls and the shared PRNG. */
export { createFaults, type FaultDependencies } from './create-faults';
export { createFaultControlRouter } from './fault-control-router';
export { FaultState, type LiveFaultSettings } from './fault-state';
export { createPrng, type Random } from './prng';
