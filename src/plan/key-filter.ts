/**
 * `Key1 eq v1 and Key2 eq v2 …` on an entity set, each literal typed by its property's declaration: how one entity is
 * named to the executor, whether its key came from a URL (checked first, `src/http/resolve-target.ts`), a write's
 * answer or the Dataverse root's index. The executor pushes these conjuncts as path segments.
 */
import type { Expr, Row } from '../odata/ast';
import type { EntitySetDefinition } from '../entity-sets/model';
import { allOf } from '../odata/conjuncts';

/** The filter naming the entity whose `keyProperties` (the whole key unless given) hold `key`'s values. */
export function keyFilter(def: EntitySetDefinition, key: Row, keyProperties: readonly string[] = def.key): Expr | undefined {
  return allOf(
    keyProperties.map((name): Expr => {
      const property = def.properties.find((p) => p.name === name);
      const value = key[name];
      return {
        kind: 'compare',
        op: 'eq',
        left: { kind: 'property', name },
        right: {
          kind: 'literal',
          type: value === null ? 'null' : property?.type ?? 'Edm.String',
          value,
        },
      };
    }),
  );
}
