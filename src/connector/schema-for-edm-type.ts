/**
 * Edm primitive type → OpenAPI 2.0 type and format. Formats are the ones Power Platform's designer knows
 * (int32, int64, double, date, date-time, uuid); Edm types without an OpenAPI format travel as strings (TimeOfDay,
 * Duration) or plain numbers (Decimal), which is how the OData JSON format writes them (JSON Format §7.1).
 */
import type { EdmType } from '../odata/ast';
import type { SwaggerPrimitiveParameter } from './swagger-types';

export type PrimitiveSchema = Pick<SwaggerPrimitiveParameter, 'type' | 'format'>;

const SCHEMAS: Record<EdmType, PrimitiveSchema> = {
  'Edm.String': { type: 'string' },
  'Edm.Int32': { type: 'integer', format: 'int32' },
  'Edm.Int64': { type: 'integer', format: 'int64' },
  'Edm.Double': { type: 'number', format: 'double' },
  'Edm.Decimal': { type: 'number' },
  'Edm.Boolean': { type: 'boolean' },
  'Edm.DateTimeOffset': { type: 'string', format: 'date-time' },
  'Edm.Date': { type: 'string', format: 'date' },
  'Edm.Guid': { type: 'string', format: 'uuid' },
  'Edm.TimeOfDay': { type: 'string' },
  'Edm.Duration': { type: 'string' },
};

export function schemaForEdmType(type: EdmType): PrimitiveSchema {
  return { ...SCHEMAS[type] };
}
