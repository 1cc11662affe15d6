/** Write a row value as an OData URL literal of the property's type (OData 4.01 ABNF primitiveLiteral). */
import type { EdmType, LiteralValue } from '../../src/odata/ast';

export function odataLiteral(type: EdmType, value: LiteralValue): string {
  if (value === null) return 'null';
  switch (type) {
    case 'Edm.String':
    case 'Edm.Guid':
      return `'${String(value).replace(/'/g, "''")}'`;
    case 'Edm.DateTimeOffset':
      return String(value);
    default:
      return String(value);
  }
}
