/**
 * `$search` expressions (OData 4.01 Part 1 §11.2.6.6, ABNF `searchExpr`): words and double-quoted phrases, combined
 * with upper-case `NOT`, `AND` (or just a space) and `OR`, grouped with parentheses, evaluated in the order
 * "grouping operator, NOT operator, AND operator, OR operator".
 *
 * A keyword is an operator only where an operator can stand; otherwise it is a word, as in the ABNF test cases:
 * `AND` alone searches for "AND", `NOT NOT` excludes "NOT", `AND OR NOT` is "AND" or "NOT".
 * Phrases may escape `"` and `\` with a backslash. An unterminated phrase runs to the end (the parser owns syntax
 * errors; we stay lenient). Unbalanced parentheses are a 400.
 */
import { ODataError } from '../errors';

export type SearchExpr =
  | { kind: 'term'; text: string }
  | { kind: 'not'; operand: SearchExpr }
  | { kind: 'and'; left: SearchExpr; right: SearchExpr }
  | { kind: 'or'; left: SearchExpr; right: SearchExpr };

type Token = { kind: 'open' } | { kind: 'close' } | { kind: 'word'; text: string } | { kind: 'phrase'; text: string };

function tokenize(search: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < search.length) {
    const char = search[i];
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close' });
      i++;
    } else if (char === '"') {
      let text = '';
      i++;
      while (i < search.length && search[i] !== '"') {
        if (search[i] === '\\' && i + 1 < search.length) i++;
        text += search[i++];
      }
      i++;
      tokens.push({ kind: 'phrase', text });
    } else {
      let text = '';
      while (i < search.length && !/[\s()"]/.test(search[i])) text += search[i++];
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

function invalid(reason: string): ODataError {
  return new ODataError('InvalidQueryOption', { option: '$search', reason });
}

export function parseSearch(search: string): SearchExpr {
  const tokens = tokenize(search);
  let position = 0;
  const peek = (offset = 0): Token | undefined => tokens[position + offset];
  const startsOperand = (token: Token | undefined) => token !== undefined && token.kind !== 'close';
  const isKeyword = (token: Token | undefined, keyword: string) => token?.kind === 'word' && token.text === keyword;
  // An infix keyword is an operator when an operand follows it (an operand precedes it by construction).
  const isInfix = (keyword: string) => isKeyword(peek(), keyword) && startsOperand(peek(1));

  function parseOr(): SearchExpr {
    let left = parseAnd();
    while (isInfix('OR')) {
      position++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }

  function parseAnd(): SearchExpr {
    let left = parseNot();
    while (startsOperand(peek()) && !isInfix('OR')) {
      if (isInfix('AND')) position++;
      left = { kind: 'and', left, right: parseNot() };
    }
    return left;
  }

  function parseNot(): SearchExpr {
    if (isKeyword(peek(), 'NOT') && startsOperand(peek(1))) {
      position++;
      return { kind: 'not', operand: parseNot() };
    }
    return parsePrimary();
  }

  function parsePrimary(): SearchExpr {
    const token = peek();
    if (token === undefined) throw invalid('the search expression is empty or ends early');
    position++;
    switch (token.kind) {
      case 'open': {
        const inner = parseOr();
        if (peek()?.kind !== 'close') throw invalid("a '(' is not closed; add the matching ')'");
        position++;
        return inner;
      }
      case 'close':
        throw invalid("a ')' has no matching '('");
      case 'word':
      case 'phrase':
        return { kind: 'term', text: token.text };
    }
  }

  const expr = parseOr();
  if (position < tokens.length) throw invalid("a ')' has no matching '('");
  return expr;
}
