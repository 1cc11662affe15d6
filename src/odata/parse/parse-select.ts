/** `$select` and `$orderby` items, shared by the top-level options and the options nested in `$expand`. */
import type { OrderByItem } from '../ast';
import { ODataError } from '../errors';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './limits';
import { parseOrderByExpressions } from './parse-filter';

export function parseSelect(text: string): string[] | undefined {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new ODataError('InvalidSelect', { reason: 'it has an empty item; separate property names with single commas' });
  if (items.includes('*')) return undefined;
  for (const item of items) {
    if (item.includes('/') || item.includes('(')) {
      // A path's first segment could be a navigation property; its related properties are chosen inside $expand.
      const [first, ...rest] = item.split('/');
      const expand = item.includes('/') && /^[A-Za-z_]\w*$/.test(first) ? `; for a related entity's properties, expand it: $expand=${first}($select=${rest.join('/')})` : '';
      throw new ODataError('InvalidSelect', { reason: `'${item}': only property names can be selected (the entities are flat)${expand}` });
    }
    if (!/^[A-Za-z_]\w*$/.test(item)) throw new ODataError('InvalidSelect', { reason: `'${item.slice(0, 40)}' is not a property name` });
  }
  return [...new Set(items)];
}

export function parseOrderBy(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): OrderByItem[] {
  return parseOrderByExpressions(text, limits).map(({ expr, direction }) => {
    if (expr.kind === 'path') {
      throw new ODataError('NotImplemented', {
        feature: `Ordering by a path (${expr.segments.join('/')})`,
        hint: 'Order by properties of the entity itself, e.g. $orderby=CreatedOn desc,Id; order expanded entities in the client.',
      });
    }
    if (expr.kind !== 'property') {
      throw new ODataError('NotImplemented', { feature: 'Ordering by an expression', hint: 'Order by property names, e.g. $orderby=CreatedOn desc,Id.' });
    }
    return { property: expr.name, direction };
  });
}
