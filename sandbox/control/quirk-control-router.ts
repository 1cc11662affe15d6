import express, { type Router } from 'express';
import { ALL_QUIRKS, QUIRKS, resolveQuirks, type QuirkState } from '../quirks';

/**
 * Mounted by the app at `/_sandbox/quirks`:
 * - `GET /` → `{quirks: [active names], available: {name: {evidenceRow, does}}}`;
 * - `PUT /` `{quirks?: [names], profile?: "ideal" | "realistic"}` → the active set becomes their union (replacing
 *   the previous set; `{"quirks": []}` turns every quirk off) → `{quirks}`; unknown names or profiles are 400 with
 *   `errors` listing the valid ones;
 * - `POST /reset` → the quirks the sandbox started with (as `POST /_sandbox/reset` also does).
 */
export function createQuirkControlRouter(state: QuirkState): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/', (_req, res) => {
    res.json({ quirks: state.list(), available: QUIRKS });
  });
  router.put('/', (req, res) => {
    const body: unknown = req.body;
    const usage = `Send {"quirks": [names], "profile"?: "ideal" | "realistic"}; quirks are: ${ALL_QUIRKS.join(', ')}`;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      res.status(400).json({ errors: [usage] });
      return;
    }
    const { quirks, profile, ...rest } = body as Record<string, unknown>;
    const shapeErrors = [
      ...Object.keys(rest).map((name) => `Unknown setting "${name}": ${usage}`),
      ...(quirks !== undefined && !(Array.isArray(quirks) && quirks.every((name) => typeof name === 'string')) ? [`quirks must be an array of names: ${usage}`] : []),
      ...(profile !== undefined && typeof profile !== 'string' ? [`profile must be a string: ${usage}`] : []),
      ...(quirks === undefined && profile === undefined ? [usage] : []),
    ];
    if (shapeErrors.length > 0) {
      res.status(400).json({ errors: shapeErrors });
      return;
    }
    try {
      const chosen = resolveQuirks(profile as string | undefined, (quirks as string[] | undefined) ?? [], { profile: 'profile', quirks: 'quirks' });
      res.json({ quirks: state.set(chosen) });
    } catch (error) {
      res.status(400).json({ errors: (error as Error).message.split('\n') });
    }
  });
  router.post('/reset', (_req, res) => {
    res.json({ quirks: state.reset() });
  });
  return router;
}
