import express, { type Router } from 'express';
import { currentFaults, currentFaultSeed, reseedFaults, resetFaults, updateFaults } from './fault-state';
import type { LiveFaultSettings } from './fault-state';
import { parseNumericSettings, type SettingsSchema } from './numeric-settings';

const FAULT_SETTINGS: SettingsSchema<keyof LiveFaultSettings | 'seed'> = {
  latencyMs: { min: 0, max: 60_000, integer: true },
  errorRate: { min: 0, max: 1 },
  resetRate: { min: 0, max: 1 },
  truncateRate: { min: 0, max: 1 },
  /** Delay of the answer after the handler ran: a write is applied but its answer is late (or, past a timeout, lost). */
  responseDelayMs: { min: 0, max: 60_000, integer: true },
  /** Restarts the fault sequence from this seed. */
  seed: { min: 0, max: 0xffff_ffff, integer: true },
};

/**
 * Mounted by the app at `/_sandbox/faults`:
 * - `GET /` → `{latencyMs, errorRate, resetRate, truncateRate, responseDelayMs, seed}`;
 * - `PUT /` with any of those → the new settings (400 with `errors` naming each bad field and its range);
 * - `POST /reset` → all faults off.
 */
export function createFaultControlRouter(): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/', (_req, res) => {
    res.json({ ...currentFaults(), seed: currentFaultSeed() });
  });
  router.put('/', (req, res) => {
    const parsed = parseNumericSettings(req.body, FAULT_SETTINGS);
    if (!parsed.ok) {
      res.status(400).json({ errors: parsed.errors });
      return;
    }
    const { seed, ...faults } = parsed.values;
    if (seed !== undefined) reseedFaults(seed);
    res.json({ ...updateFaults(faults), seed: currentFaultSeed() });
  });
  router.post('/reset', (_req, res) => {
    resetFaults();
    res.json({ ...currentFaults(), seed: currentFaultSeed() });
  });
  return router;
}
