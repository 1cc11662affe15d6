/**
 * Validation of the control endpoints' bodies (`/_sandbox/faults`, `/_sandbox/rate-limit`): each setting is declared
 * with its range, and one function checks a partial update against the declarations. Errors name the setting and the
 * allowed range so a test author can fix the call at once.
 */
export interface NumericSetting {
  min: number;
  max: number;
  integer?: boolean;
}

export type SettingsSchema<K extends string> = Record<K, NumericSetting>;

export type ParsedSettings<K extends string> = { ok: true; values: Partial<Record<K, number>> } | { ok: false; errors: string[] };

export function parseNumericSettings<K extends string>(body: unknown, schema: SettingsSchema<K>): ParsedSettings<K> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [`Send a JSON object with any of: ${Object.keys(schema).join(', ')}`] };
  }
  const errors: string[] = [];
  const values: Partial<Record<K, number>> = {};
  for (const [name, raw] of Object.entries(body as Record<string, unknown>)) {
    if (!Object.hasOwn(schema, name)) {
      errors.push(`Unknown setting "${name}": allowed are ${Object.keys(schema).join(', ')}`);
      continue;
    }
    const setting = schema[name as K];
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const kind = setting.integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (setting.integer && !Number.isInteger(value)) || value < setting.min || value > setting.max) {
      errors.push(`${name} must be ${kind} from ${setting.min} to ${setting.max}, got ${JSON.stringify(raw)}`);
      continue;
    }
    values[name as K] = value;
  }
  if (Object.keys(values).length === 0 && errors.length === 0) errors.push(`Send at least one of: ${Object.keys(schema).join(', ')}`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
