/** A small fixed entity set and rows with the awkward cases, plus builders for expression trees. */
import type {
  ArithmeticOperator,
  ComparisonOperator,
  EdmType,
  Expr,
  FunctionName,
  LiteralValue,
  Row,
} from '../../../src/odata/ast';
import type { EdmEntitySet } from '../../../src/odata/edm';

const property = (name: string, type: EdmType, nullable = true) => ({ name, type, nullable, description: name });

export const items: EdmEntitySet = {
  name: 'Items',
  typeName: 'Item',
  description: 'test items',
  key: ['Id'],
  properties: [
    property('Id', 'Edm.Int32', false),
    property('Title', 'Edm.String'),
    property('State', 'Edm.String'),
    property('Score', 'Edm.Double'),
    property('Amount', 'Edm.Decimal'),
    property('Big', 'Edm.Int64'),
    property('IsOpen', 'Edm.Boolean'),
    property('CreatedOn', 'Edm.DateTimeOffset'),
    property('DueDate', 'Edm.Date'),
    property('Uuid', 'Edm.Guid'),
    property('StartTime', 'Edm.TimeOfDay'),
    property('Elapsed', 'Edm.Duration'),
  ],
  navigation: [],
  singleton: false,
  capabilities: {
    countable: true,
    topSupported: true,
    skipSupported: true,
    searchable: true,
    insertable: false,
    updatable: false,
    deletable: false,
    requiredProperties: [],
    pushdownFilterable: [],
    pushdownSortable: [],
  },
  actions: [],
};

// prettier-ignore
const columns = ['Id', 'Title', 'State', 'Score', 'Amount', 'Big', 'IsOpen', 'CreatedOn', 'DueDate', 'Uuid', 'StartTime', 'Elapsed'];
type Cells = LiteralValue[];

// prettier-ignore
const table: Cells[] = [
  [1, 'abc', 'OPEN', 1.5, 10, 9007199254740991, true, '2024-05-18T09:29:47.123456Z', '2024-05-18', '0123abcd-89ab-cdef-0123-456789abcdef', '09:00:00', 'PT1H'],
  [2, 'ABC', 'MERGED', -2.5, 0, 0, false, '2024-05-18T09:29:47.123457Z', '2024-05-19', '0123ABCD-89AB-CDEF-0123-456789ABCDEF', '17:30:00.5', 'P1D'],
  [3, null, 'OPEN', null, null, null, null, null, null, null, null, null],
  [4, '', 'DECLINED', 0, 2.5, -5, true, '2024-05-18T11:29:47.123456+02:00', '2023-12-31', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00:00', 'PT0.000001S'],
  [5, 'Ünïcödé', 'OPEN', 2.5, 3, 7, false, '2023-01-01T00:00:00Z', '2024-05-18', null, null, null],
  [6, '😀 smile', 'MERGED', 100, 7, 2, true, '2024-05-18T09:29:47.123456Z', '2024-05-18', null, null, null],
  [7, 'ｚenith', 'OPEN', -0.5, -7, 3, false, '2024-05-17T23:59:59.999999-01:00', null, null, null, null],
  [8, ' padded\u00a0', 'OPEN', 3, 1, 4, true, '2024-05-18T09:29:47Z', '2024-05-20', null, null, null],
  [9, "O'Neil", 'OPEN', 4, 1, 5, false, '2024-05-18T09:29:47.1234560Z', '2024-05-18', null, null, null],
  [10, 'abcabc', 'open', 5, 1, 6, true, '2024-05-18T09:29:48Z', '2024-05-18', null, null, null],
];

export const rows: Row[] = table.map((cells) => Object.fromEntries(columns.map((name, i) => [name, cells[i]])));
export const ALL_IDS = rows.map((row) => row.Id as number);

// ---- expression builders ----
export const prop = (name: string): Expr => ({ kind: 'property', name });
export const lit = (type: EdmType | 'null', value: LiteralValue): Expr => ({ kind: 'literal', type, value });
export const str = (value: string) => lit('Edm.String', value);
export const int = (value: number) => lit('Edm.Int32', value);
export const int64 = (value: number) => lit('Edm.Int64', value);
export const dbl = (value: number) => lit('Edm.Double', value);
export const dec = (value: number) => lit('Edm.Decimal', value);
export const bool = (value: boolean) => lit('Edm.Boolean', value);
export const dto = (value: string) => lit('Edm.DateTimeOffset', value);
export const date = (value: string) => lit('Edm.Date', value);
export const guid = (value: string) => lit('Edm.Guid', value);
export const tod = (value: string) => lit('Edm.TimeOfDay', value);
export const dur = (value: string) => lit('Edm.Duration', value);
export const NULL: Expr = lit('null', null);

const comparison = (op: ComparisonOperator) => (left: Expr, right: Expr): Expr => ({ kind: 'compare', op, left, right });
export const eq = comparison('eq');
export const ne = comparison('ne');
export const gt = comparison('gt');
export const ge = comparison('ge');
export const lt = comparison('lt');
export const le = comparison('le');
export const and = (left: Expr, right: Expr): Expr => ({ kind: 'and', left, right });
export const or = (left: Expr, right: Expr): Expr => ({ kind: 'or', left, right });
export const not = (operand: Expr): Expr => ({ kind: 'not', operand });
export const neg = (operand: Expr): Expr => ({ kind: 'negate', operand });
export const arith = (op: ArithmeticOperator, left: Expr, right: Expr): Expr => ({ kind: 'arith', op, left, right });
export const isIn = (operand: Expr, ...list: Expr[]): Expr => ({ kind: 'in', operand, list });
export const call = (name: FunctionName, ...args: Expr[]): Expr => ({ kind: 'call', name, args });

export const NOW = new Date('2024-05-20T12:00:00.000Z');
