/**
 * Operation parameters: the OData system query options of a list (OData 4.01 Part 2 §5.1) and the key properties
 * of a by-key path. Labels and visibility follow the Power Platform extension guidance: `x-ms-summary` in Title Case,
 * the options people use daily `important`, the rest `advanced`.
 */
import { findEntitySet, type EdmEntitySet, type EdmModel, type EdmNavigationProperty, type EdmProperty } from '../odata/edm';
import { titleCase } from './display-name';
import { schemaForEdmType } from './schema-for-edm-type';
import type { SwaggerPrimitiveParameter } from './swagger-types';

function example(set: EdmEntitySet, count: number): string {
  return set.properties
    .slice(0, count)
    .map((property) => property.name)
    .join(',');
}

function filterDescription(set: EdmEntitySet): string {
  const parts = ["An OData filter, e.g. Workspace eq 'acme' and CreatedOn ge 2024-01-01T00:00:00Z."];
  if (set.capabilities.requiredProperties.length > 0) {
    parts.push(`Fix ${set.capabilities.requiredProperties.join(' and ')} with eq.`);
  }
  if (set.capabilities.pushdownFilterable.length > 0) {
    parts.push(`Bitbucket evaluates conditions on ${set.capabilities.pushdownFilterable.join(', ')}; others are checked by the gateway.`);
  }
  return parts.join(' ');
}

/**
 * `$filter`, `$select`, `$expand` (where the set has navigation), `$orderby`, `$top`, `$skip`, `$count` (and `$search`
 * where the set is searchable).
 */
export function queryOptionParameters(model: EdmModel, set: EdmEntitySet): SwaggerPrimitiveParameter[] {
  const options: SwaggerPrimitiveParameter[] = [
    { name: '$filter', in: 'query', required: false, type: 'string', 'x-ms-summary': 'Filter Query', description: filterDescription(set), 'x-ms-visibility': 'important' },
    selectParameter(set),
    ...expandParameters(model, set),
    { name: '$orderby', in: 'query', required: false, type: 'string', 'x-ms-summary': 'Order By', description: `Properties to sort by, each optionally followed by desc, e.g. ${set.key[set.key.length - 1]} desc.`, 'x-ms-visibility': 'advanced' },
    { name: '$top', in: 'query', required: false, type: 'integer', format: 'int32', minimum: 0, 'x-ms-summary': 'Top Count', description: 'Largest number of entities to return.', 'x-ms-visibility': 'important' },
    { name: '$skip', in: 'query', required: false, type: 'integer', format: 'int32', minimum: 0, 'x-ms-summary': 'Skip Count', description: 'Number of entities to skip before the first one returned.', 'x-ms-visibility': 'advanced' },
    { name: '$count', in: 'query', required: false, type: 'boolean', 'x-ms-summary': 'Include Count', description: 'Add the total number of matching entities to the answer.', 'x-ms-visibility': 'advanced' },
  ];
  if (set.capabilities.searchable) {
    options.push({ name: '$search', in: 'query', required: false, type: 'string', 'x-ms-summary': 'Search Text', description: 'Words every returned entity contains (case-insensitive).', 'x-ms-visibility': 'advanced' });
  }
  return options;
}

export function selectParameter(set: EdmEntitySet): SwaggerPrimitiveParameter {
  return { name: '$select', in: 'query', required: false, type: 'string', 'x-ms-summary': 'Select Query', description: `Comma-separated properties to return, e.g. ${example(set, 3)}.`, 'x-ms-visibility': 'advanced' };
}

/** `Repository($select=Uuid,Name)` for a single entity, `Comments($top=5)` for a collection: what a maker would write. */
function expandExample(model: EdmModel, navigation: EdmNavigationProperty): string {
  if (navigation.collection) return `${navigation.name}($top=5)`;
  const target = findEntitySet(model, navigation.target);
  const shown = (target?.properties ?? []).filter((property) => !target?.key.includes(property.name)).slice(0, 2);
  return shown.length > 0 ? `${navigation.name}($select=${shown.map((property) => property.name).join(',')})` : navigation.name;
}

/**
 * `$expand` (OData 4.01 Part 2 §5.1.3), offered where the set has navigation properties. The gateway expands one
 * level (src/http/expand-rows.ts; $metadata says MaxLevels 1) with the nested options listed here; an expanded
 * collection has no paging and stops at MAX_EXPAND_ROWS per entity with a 400, hence the advice to cut it with $top.
 * Empty when the set has nothing to expand, so the parameter never offers what would be refused.
 */
export function expandParameters(model: EdmModel, set: EdmEntitySet): SwaggerPrimitiveParameter[] {
  if (set.navigation.length === 0) return [];
  const example = set.navigation.slice(0, 2).map((navigation) => expandExample(model, navigation)).join(',');
  const description = [
    `Related entities to include, one level deep, each optionally with a nested $select, $filter, $orderby, $top, $skip or $count, e.g. ${example}.`,
    `Expandable: ${set.navigation.map((navigation) => navigation.name).join(', ')}.`,
    'An expanded collection is not paged: cut a long one with a nested $top or $filter.',
  ].join(' ');
  return [{ name: '$expand', in: 'query', required: false, type: 'string', 'x-ms-summary': 'Expand Query', description, 'x-ms-visibility': 'advanced' }];
}

/**
 * One required path parameter per key property, each sent once-encoded (`x-ms-url-encoding: single`): Power Platform
 * double-encodes path values by default, which would turn the `/` of a branch name into `%252F`. Numeric keys
 * (`Id={Id}`) encode the same either way, but certification asks it of every path parameter
 * (microsoft/PowerPlatformConnectors, certification-swagger-validator-rules), so no key is left to the default.
 */
export function keyParameters(set: EdmEntitySet): SwaggerPrimitiveParameter[] {
  return set.key.map((name) => {
    const property = set.properties.find((p) => p.name === name) as EdmProperty;
    const schema = schemaForEdmType(property.type);
    return {
      name,
      in: 'path',
      required: true,
      ...schema,
      'x-ms-summary': titleCase(name),
      description: property.description,
      'x-ms-visibility': 'important',
      'x-ms-url-encoding': 'single',
    };
  });
}

/**
 * The key predicate of a by-key path in OData's named form (Part 2 §4.3.1), e.g.
 * `(Workspace='{Workspace}',Id={Id})`. String values sit inside quotes and Power Platform does not double a `'` inside
 * them, so a value containing `'` (possible in a branch or tag name) cannot be addressed this way: use the list with
 * $filter. Slugs, UUIDs and hashes never contain one.
 */
export function keyPredicateTemplate(set: EdmEntitySet): string {
  const parts = set.key.map((name) => {
    // Only Edm.String literals are quoted; numbers, GUIDs and dates are bare (ABNF primitiveLiteral).
    const type = set.properties.find((p) => p.name === name)?.type;
    return type === 'Edm.String' ? `${name}='{${name}}'` : `${name}={${name}}`;
  });
  return `(${parts.join(',')})`;
}
