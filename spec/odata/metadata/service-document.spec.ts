import { buildServiceDocument, negotiateMetadataFormat } from '../../../src/odata/metadata';
import { ODataError } from '../../../src/odata/errors';
import { fixtureModel, SERVICE_ROOT } from './edm-model-fixture';

describe('buildServiceDocument', () => {
  it('lists every entity set and singleton with its kind and relative URL', () => {
    expect(buildServiceDocument(fixtureModel, SERVICE_ROOT)).toEqual({
      '@odata.context': 'https://gateway.example/odata/$metadata',
      value: [
        { name: 'Repositories', kind: 'EntitySet', url: 'Repositories' },
        { name: 'PullRequests', kind: 'EntitySet', url: 'PullRequests' },
        { name: 'Me', kind: 'Singleton', url: 'Me' },
      ],
    });
  });
});

describe('negotiateMetadataFormat', () => {
  it.each<[string | undefined, string | undefined, 'xml' | 'json']>([
    [undefined, undefined, 'xml'],
    ['', undefined, 'xml'],
    ['application/xml', undefined, 'xml'],
    ['*/*', undefined, 'xml'],
    ['application/json', undefined, 'json'],
    ['application/json, application/xml', undefined, 'xml'],
    ['application/xml;q=0.5, application/json', undefined, 'json'],
    ['application/json, */*;q=0.1', undefined, 'json'],
    ['text/xml', undefined, 'xml'],
    ['application/atomsvc+xml;q=0.8, application/xml;q=0.7', undefined, 'xml'],
    ['application/json', 'xml', 'xml'],
    [undefined, 'json', 'json'],
    [undefined, 'application/json', 'json'],
  ])('Accept %p with $format %p → %s', (accept, format, expected) => {
    expect(negotiateMetadataFormat(accept, format)).toBe(expected);
  });

  it.each<[string | undefined, string | undefined, string]>([
    ['text/plain', undefined, 'The requested format Accept: text/plain is not supported; use application/json.'],
    ['application/xml;q=0', undefined, 'The requested format Accept: application/xml;q=0 is not supported; use application/json.'],
    [undefined, 'atom', 'The requested format $format=atom is not supported; use application/json.'],
  ])('refuses Accept %p / $format %p with 406', (accept, format, message) => {
    let caught: unknown;
    try {
      negotiateMetadataFormat(accept, format);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ODataError);
    expect((caught as ODataError).status).toBe(406);
    expect((caught as ODataError).message).toBe(message);
  });
});
