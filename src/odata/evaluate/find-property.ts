/** Resolves a property name on an entity set, or throws the catalog's UnknownProperty (400) saying what exists. */
import type { EdmEntitySet, EdmProperty } from '../edm';
import { ODataError } from '../errors';

export function findProperty(entity: EdmEntitySet, name: string): EdmProperty {
  const property = entity.properties.find((candidate) => candidate.name === name);
  if (property) return property;
  // OData identifiers are case-sensitive (CSDL `SimpleIdentifier`); point at the right spelling when it is close.
  const caseInsensitive = entity.properties.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  throw new ODataError(
    'UnknownProperty',
    {
      property: name,
      type: entity.typeName,
      available: entity.properties.map((candidate) => candidate.name).join(', '),
    },
    {
      target: name,
      details: caseInsensitive
        ? [
            {
              code: 'UnknownProperty',
              message: `Did you mean '${caseInsensitive.name}'? Property names are case-sensitive.`,
              target: name,
            },
          ]
        : [],
    },
  );
}
