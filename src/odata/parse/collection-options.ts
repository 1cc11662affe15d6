import type { ODataQuery } from '../ast';

/**
 * The system query options given that apply to collections only (OData 4.01 Part 2 §5): a single entity, addressed by
 * key or reached through a single-valued navigation, takes none of them.
 */
export function collectionOptionsGiven(options: Pick<ODataQuery, 'filter' | 'orderby' | 'top' | 'skip' | 'count'> & Partial<Pick<ODataQuery, 'search' | 'skiptoken'>>): string[] {
  return [
    options.filter && '$filter',
    options.orderby.length > 0 && '$orderby',
    options.top !== undefined && '$top',
    options.skip !== undefined && '$skip',
    options.count && '$count',
    options.search !== undefined && '$search',
    options.skiptoken !== undefined && '$skiptoken',
  ].filter((name): name is string => typeof name === 'string');
}
