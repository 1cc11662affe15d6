import express, { type Router } from 'express';
import { parseNumericSettings, type SettingsSchema } from '../faults/numeric-settings';
import type { RateLimits } from './rate-limit';

const MAX_BUDGET = 100_000_000;

const RATE_LIMIT_SETTINGS: SettingsSchema<'perHour' | 'anonymousPerHour'> = {
  perHour: { min: 0, max: MAX_BUDGET, integer: true },
  anonymousPerHour: { min: 0, max: MAX_BUDGET, integer: true },
};

/**
 * Mounted by the app at `/_sandbox/rate-limit`:
 * - `GET /` → `{perHour, anonymousPerHour}` (`anonymousPerHour: null` = same as perHour);
 * - `PUT /` `{perHour?, anonymousPerHour?}` → the new budget (400 with `errors` when out of range);
 * - `POST /reset` → forgets counted requests.
 */
export function createRateLimitControlRouter(limits: RateLimits): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/', (_req, res) => {
    res.json(limits.getBudget());
  });
  router.put('/', (req, res) => {
    const parsed = parseNumericSettings(req.body, RATE_LIMIT_SETTINGS);
    if (!parsed.ok) {
      res.status(400).json({ errors: parsed.errors });
      return;
    }
    res.json(limits.setBudget(parsed.values));
  });
  router.post('/reset', (_req, res) => {
    limits.reset();
    res.json({ reset: true });
  });
  return router;
}
