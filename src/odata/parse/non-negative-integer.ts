import { ODataError } from '../errors';

/**
 * ABNF `top = "$top" EQ 1*DIGIT` (and `skip`): a whole number of any length. One beyond `limit` is answered with
 * TopTooLarge / SkipTooLarge however many digits it has (not "not a whole number", which would mislead).
 */
export function nonNegativeInteger(option: '$top' | '$skip', raw: string, limit: number): number {
  const value = raw.trim();
  if (!/^\d+$/.test(value)) {
    throw new ODataError('InvalidQueryOption', { option, reason: `'${raw.slice(0, 40)}' is not a non-negative whole number` });
  }
  const digits = value.replace(/^0+(?=\d)/, '');
  if (digits.length > 16 || Number(digits) > limit) {
    const shown = digits.length > 40 ? `${digits.slice(0, 40)}…` : digits;
    throw option === '$top'
      ? new ODataError('TopTooLarge', { top: shown, limit })
      : new ODataError('SkipTooLarge', { skip: shown, limit });
  }
  return Number(digits);
}
