/**
 * The page size a request prefers (OData 4.01 Part 1 §8.2.8.5 `odata.maxpagesize`, in RFC 7240's `Prefer`): it sets
 * the page size of the walk (`skip-token-handler.ts`), and the router answers `Preference-Applied` with the size granted.
 */
import { ODataError } from '../odata/errors';

/** `Prefer: odata.maxpagesize=N` (also `maxpagesize` from OData 4.01), or undefined. */
export function preferredPageSize(prefer: string | undefined): number | undefined {
  if (!prefer) return undefined;
  for (const part of prefer.split(',')) {
    const match = /^\s*(?:odata\.)?maxpagesize\s*=\s*"?([^";\s]*)"?\s*$/i.exec(part);
    if (!match) continue;
    const value = Number(match[1]);
    if (!Number.isSafeInteger(value) || value < 1) throw new ODataError('InvalidPreference', { reason: 'odata.maxpagesize must be a positive whole number' });
    return value;
  }
  return undefined;
}
