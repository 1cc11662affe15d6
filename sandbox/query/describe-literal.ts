import type { BbqlLiteral } from './bbql-ast';

/** A literal as error messages name it: `the string "abc"`, `the number 7`, `null`. */
export function describeLiteral(value: BbqlLiteral): string {
  switch (value.type) {
    case 'string':
      return `the string ${JSON.stringify(value.value)}`;
    case 'number':
      return `the number ${value.text}`;
    case 'boolean':
      return `the boolean ${value.value}`;
    case 'null':
      return 'null';
    case 'datetime':
      return `the datetime ${value.text}`;
  }
}
