/**
 * The seed's fixed clock. Nothing in the seed reads the real time: "now" is 2026-11-01T00:00:00Z and history starts
 * on 2019-01-01, so the same seed gives the same dates on any day.
 */
export const SEED_NOW_MS = Date.UTC(2026, 10, 1, 0, 0, 0);
export const SEED_EPOCH_MS = Date.UTC(2019, 0, 1, 0, 0, 0);

/** A moment as microseconds since the Unix epoch: Bitbucket's timestamps carry six fractional digits. */
export type Micros = number;

export const msToMicros = (ms: number): Micros => ms * 1000;
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;

/** `2024-05-18T09:29:47.123456+00:00`, the form Bitbucket uses for `created_on`/`updated_on`. */
export function formatMicros(at: Micros): string {
  const ms = Math.floor(at / 1000);
  const micros = Math.round(at - ms * 1000);
  const iso = new Date(ms).toISOString(); // 2024-05-18T09:29:47.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}

/** `2024-05-18T09:29:47+00:00`: git dates (commits, tags) have whole seconds. */
export function formatSeconds(at: Micros): string {
  return `${new Date(Math.floor(at / 1000)).toISOString().slice(0, 19)}+00:00`;
}
