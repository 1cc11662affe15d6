/**
 * The canonical functions we evaluate, as data: overloads with parameter and return types, from OData 4.01 Part 2
 * §5.1.1 (String and Collection Functions, String Functions, Date and Time Functions, Arithmetic Functions).
 * The type checker reads this table; the evaluator's implementations live in `function-implementations.ts`.
 * Collection overloads (`contains(OrderedCollection,…)` etc.) are absent: our entities have no collections.
 */
import type { EdmType, FunctionName } from '../ast';
import type { ExprType } from './types';

/** A parameter accepts one Edm type, any numeric type, or any integer type. */
export type ParameterType = EdmType | 'numeric' | 'integer';

export interface FunctionOverload {
  parameters: ParameterType[];
  /** The result type, possibly depending on the argument types (e.g. `round(Edm.Double)` is Edm.Double). */
  returns: EdmType | ((argumentTypes: ExprType[]) => EdmType);
}

const STRING_PREDICATE: FunctionOverload[] = [{ parameters: ['Edm.String', 'Edm.String'], returns: 'Edm.Boolean' }];
const STRING_TO_STRING: FunctionOverload[] = [{ parameters: ['Edm.String'], returns: 'Edm.String' }];
const DATE_PART: FunctionOverload[] = [
  { parameters: ['Edm.DateTimeOffset'], returns: 'Edm.Int32' },
  { parameters: ['Edm.Date'], returns: 'Edm.Int32' },
];
const TIME_PART: FunctionOverload[] = [
  { parameters: ['Edm.DateTimeOffset'], returns: 'Edm.Int32' },
  { parameters: ['Edm.TimeOfDay'], returns: 'Edm.Int32' },
];
/** `round`/`floor`/`ceiling` are declared on Edm.Double and Edm.Decimal; integers promote to Edm.Decimal. */
const ROUNDING: FunctionOverload[] = [
  { parameters: ['numeric'], returns: ([argument]) => (argument === 'Edm.Double' ? 'Edm.Double' : 'Edm.Decimal') },
];

export const FUNCTION_SIGNATURES: Record<FunctionName, FunctionOverload[]> = {
  contains: STRING_PREDICATE,
  startswith: STRING_PREDICATE,
  endswith: STRING_PREDICATE,
  tolower: STRING_TO_STRING,
  toupper: STRING_TO_STRING,
  trim: STRING_TO_STRING,
  length: [{ parameters: ['Edm.String'], returns: 'Edm.Int32' }],
  concat: [{ parameters: ['Edm.String', 'Edm.String'], returns: 'Edm.String' }],
  indexof: [{ parameters: ['Edm.String', 'Edm.String'], returns: 'Edm.Int32' }],
  substring: [
    { parameters: ['Edm.String', 'integer'], returns: 'Edm.String' },
    { parameters: ['Edm.String', 'integer', 'integer'], returns: 'Edm.String' },
  ],
  year: DATE_PART,
  month: DATE_PART,
  day: DATE_PART,
  hour: TIME_PART,
  minute: TIME_PART,
  second: TIME_PART,
  fractionalseconds: [
    { parameters: ['Edm.DateTimeOffset'], returns: 'Edm.Decimal' },
    { parameters: ['Edm.TimeOfDay'], returns: 'Edm.Decimal' },
  ],
  date: [{ parameters: ['Edm.DateTimeOffset'], returns: 'Edm.Date' }],
  time: [{ parameters: ['Edm.DateTimeOffset'], returns: 'Edm.TimeOfDay' }],
  now: [{ parameters: [], returns: 'Edm.DateTimeOffset' }],
  round: ROUNDING,
  floor: ROUNDING,
  ceiling: ROUNDING,
};
