/**
 * The service document (OData 4.0 JSON Format §5): every entity set and singleton, with its URL relative to the
 * service root. Power Query's navigator lists exactly these.
 */
import type { EdmModel } from '../edm';

export interface ServiceDocumentEntry {
  name: string;
  kind: 'EntitySet' | 'Singleton';
  url: string;
}

export interface ServiceDocument {
  '@odata.context': string;
  value: ServiceDocumentEntry[];
}

/** `serviceRoot` ends with `/` (e.g. `https://host/odata/`); the context URL is `{serviceRoot}$metadata`. */
export function buildServiceDocument(model: EdmModel, serviceRoot: string): ServiceDocument {
  return {
    '@odata.context': `${serviceRoot}$metadata`,
    value: model.entitySets.map((set) => ({
      name: set.name,
      kind: set.singleton ? 'Singleton' : 'EntitySet',
      url: set.name,
    })),
  };
}
