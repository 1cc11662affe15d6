/**
 * The Explore view's query as data, and the OData URL it stands for (OData 4.01 Part 2, URL Conventions: §5.1.1
 * $filter, §5.1.4 $select, §5.1.5 $orderby, §5.1.6 $top, §5.1.8 $count). Pure: no DOM, so specs table-test it.
 */
import type { Column } from './odata-model';

export type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'startswith' | 'endswith';

export const OPERATOR_LABELS: Record<Operator, string> = {
  eq: 'equals',
  ne: 'does not equal',
  gt: 'greater than',
  ge: 'at least',
  lt: 'less than',
  le: 'at most',
  contains: 'contains',
  startswith: 'starts with',
  endswith: 'ends with',
};

export interface Condition {
  property: string;
  operator: Operator;
  /** As typed: a string without quotes, a number, `true`/`false`, a date-time `2024-01-01T00:00:00Z`, or `null`. */
  value: string;
}

export interface ExploreQuery {
  entitySet: string;
  /** Empty: every column. */
  select: string[];
  conditions: Condition[];
  /** A `$filter` typed by hand; when set it is used instead of `conditions`. */
  filterText?: string;
  orderBy?: { property: string; direction: 'asc' | 'desc' };
  top?: number;
  count: boolean;
}

const NUMERIC = new Set(['Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Byte', 'Edm.SByte', 'Edm.Double', 'Edm.Single', 'Edm.Decimal']);
const ORDERED = new Set([...NUMERIC, 'Edm.DateTimeOffset', 'Edm.Date', 'Edm.TimeOfDay', 'Edm.Duration', 'Edm.String']);

export function operatorsFor(type: string): Operator[] {
  const operators: Operator[] = ['eq', 'ne'];
  if (ORDERED.has(type)) operators.push('gt', 'ge', 'lt', 'le');
  if (type === 'Edm.String') operators.push('contains', 'startswith', 'endswith');
  return operators;
}

/** A value as an OData literal of the property's type; throws an Error saying what to type instead. */
export function literal(column: Column, value: string): string {
  const text = value.trim();
  if (text === 'null') return 'null';
  switch (column.type) {
    case 'Edm.String':
      // A single quote inside a string literal is doubled (Part 2 §5.1.1.6.1, ABNF SQUOTE-in-string).
      return `'${value.replace(/'/g, "''")}'`;
    case 'Edm.Boolean':
      if (text !== 'true' && text !== 'false') throw new Error(`${column.name} is true or false, not '${value}'.`);
      return text;
    case 'Edm.DateTimeOffset':
      if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) throw new Error(`${column.name} is a date and time like 2024-01-31T00:00:00Z, not '${value}'.`);
      // A bare date is the start of that day in UTC.
      return text.length === 10 ? `${text}T00:00:00Z` : text;
    case 'Edm.Date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error(`${column.name} is a date like 2024-01-31, not '${value}'.`);
      return text;
    default:
      if (NUMERIC.has(column.type)) {
        if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new Error(`${column.name} is a number, not '${value}'.`);
        return text;
      }
      if (column.type === 'Edm.Guid') {
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) throw new Error(`${column.name} is a GUID, not '${value}'.`);
        return text;
      }
      return `'${value.replace(/'/g, "''")}'`;
  }
}

/** The conditions as one `$filter` (ANDed), or undefined when there are none. */
export function filterOf(conditions: readonly Condition[], columns: readonly Column[]): string | undefined {
  const parts = conditions.map((condition) => {
    const column = columns.find((candidate) => candidate.name === condition.property);
    if (!column) throw new Error(`No column ${condition.property}.`);
    const value = literal(column, condition.value);
    return ['contains', 'startswith', 'endswith'].includes(condition.operator)
      ? `${condition.operator}(${column.name},${value})`
      : `${column.name} ${condition.operator} ${value}`;
  });
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** The system query options of the query, in the order the URL shows them. */
export function queryOptions(query: ExploreQuery, columns: readonly Column[]): Array<[string, string]> {
  const options: Array<[string, string]> = [];
  const filter = query.filterText !== undefined && query.filterText.trim() !== '' ? query.filterText.trim() : filterOf(query.conditions, columns);
  if (query.select.length > 0) options.push(['$select', query.select.join(',')]);
  if (filter !== undefined) options.push(['$filter', filter]);
  if (query.orderBy) options.push(['$orderby', `${query.orderBy.property}${query.orderBy.direction === 'desc' ? ' desc' : ''}`]);
  if (query.top !== undefined) options.push(['$top', String(query.top)]);
  if (query.count) options.push(['$count', 'true']);
  return options;
}

/**
 * Percent-encodes a query option value, leaving the characters OData URLs show as they are (`,`, `'`, `(`, `)`,
 * `$`, `:`), so the URL stays readable and still means the same (RFC 3986 §2.2: sub-delims in a query).
 */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%24/g, '$').replace(/%3A/g, ':');
}

/** The query's URL under the service root (which ends with `/`). */
export function odataUrl(serviceRoot: string, query: ExploreQuery, columns: readonly Column[]): string {
  const options = queryOptions(query, columns);
  const search = options.map(([name, value]) => `${name}=${encodeValue(value)}`).join('&');
  return `${serviceRoot}${encodeURIComponent(query.entitySet)}${search ? `?${search}` : ''}`;
}
