/**
 * Serialise values as BBQL literals. Strings are double-quoted with `\` and `"` backslash-escaped (the sandbox's
 * documented rule; Atlassian's docs give no escape rule, so a value that needs escaping is still re-checked here).
 * Never build `q=` by concatenating raw user text.
 */
import type { EdmType, LiteralValue } from '../odata/ast';

export function bbqlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/** An OData literal as a BBQL literal, or undefined when it has no exact BBQL counterpart. */
export function bbqlLiteral(type: EdmType | 'null', value: LiteralValue): string | undefined {
  if (type === 'null' || value === null) return 'null';
  switch (type) {
    case 'Edm.String':
    case 'Edm.Guid':
      return typeof value === 'string' ? bbqlString(value) : undefined;
    case 'Edm.Int32':
    case 'Edm.Int64':
      return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;
    case 'Edm.Boolean':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'Edm.DateTimeOffset':
      // BBQL takes unquoted ISO-8601 datetimes; `Z` is written as an explicit offset, which Bitbucket documents.
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
        ? value.replace(/Z$/, '+00:00')
        : undefined;
    default:
      return undefined;
  }
}
