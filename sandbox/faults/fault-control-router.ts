import express, { type Router } from 'express';
import type { FaultState, LiveFaultSettings } from './fault-state';
import { parseNumericSettings, type SettingsSchema } from './numeric-settings';

const FAULT_SETTINGS: SettingsSchema<keyof LiveFaultSettings | 'seed'> = {
  latencyMs: { min: 0, max: 60_000, integer: true },
  errorRate: { min: 0, max: 1 },
  resetRate: { min: 0, max: 1 },
  truncateRate: { min: 0, max: 1 },
  /** Delay of the answer after the handler ran: a write is applied but its answer is late (or, past a timeout, lost). */
  responseDelayMs: { min: 0, max: 60_000, integer: true },
  /** Webhook deliveries lost (never sent) with this probability; 1 loses them all. */
  webhookDropRate: { min: 0, max: 1 },
  /** Restarts the fault sequence from this seed. */
  seed: { min: 0, max: 0xffff_ffff, integer: true },
};

/**
 * Mounted by the app at `/_sandbox/faults`:
 * - `GET /` → `{latencyMs, errorRate, resetRate, truncateRate, responseDelayMs, webhookDropRate, seed}`;
 * - `PUT /` with any of those → the new settings (400 with `errors` naming each bad field and its range);
 * - `POST /reset` → all faults off.
 */
export function createFaultControlRouter(faults: FaultState): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/', (_req, res) => {
    res.json({ ...faults.current(), seed: faults.currentSeed() });
  });
  router.put('/', (req, res) => {
    const parsed = parseNumericSettings(req.body, FAULT_SETTINGS);
    if (!parsed.ok) {
      res.status(400).json({ errors: parsed.errors });
      return;
    }
    const { seed, ...update } = parsed.values;
    if (seed !== undefined) faults.reseed(seed);
    res.json({ ...faults.update(update), seed: faults.currentSeed() });
  });
  router.post('/reset', (_req, res) => {
    faults.reset();
    res.json({ ...faults.current(), seed: faults.currentSeed() });
  });
  return router;
}
