import { ODataError } from '../../../src/odata/errors';
import { jsonContentType, negotiateJsonFormat, parseMetadataLevel, type JsonFormat } from '../../../src/odata/serialize';

/** What Power Query (Excel, Power BI) sends with every data request. */
const POWER_QUERY_ACCEPT =
  'application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7';

const minimal: JsonFormat = { metadata: 'minimal', ieee754Compatible: false, streaming: true };

describe('negotiateJsonFormat', () => {
  it.each<[string, string | undefined, string | undefined, JsonFormat]>([
    ['no Accept', undefined, undefined, minimal],
    ['empty Accept', '', undefined, minimal],
    ['Power Query', POWER_QUERY_ACCEPT, undefined, minimal],
    ['*/*', '*/*', undefined, minimal],
    ['application/*', 'application/*', undefined, minimal],
    ['plain application/json', 'application/json', undefined, minimal],
    ['full', 'application/json;odata.metadata=full', undefined, { ...minimal, metadata: 'full' }],
    ['none', 'application/json;odata.metadata=none', undefined, { ...minimal, metadata: 'none' }],
    ['4.01 short names', 'application/json;metadata=full;streaming=false', undefined, { metadata: 'full', ieee754Compatible: false, streaming: false }],
    ['OData 3 spelling', 'application/json;odata=nometadata', undefined, { ...minimal, metadata: 'none' }],
    ['case-insensitive names and values', 'Application/JSON;OData.Metadata=FULL;ieee754compatible=TRUE', undefined, { metadata: 'full', ieee754Compatible: true, streaming: true }],
    ['IEEE754Compatible', 'application/json;IEEE754Compatible=true', undefined, { ...minimal, ieee754Compatible: true }],
    ['streaming false', 'application/json;odata.streaming=false', undefined, { ...minimal, streaming: false }],
    ['charset is fine', 'application/json;charset=utf-8', undefined, minimal],
    ['best quality wins', 'application/json;odata.metadata=none;q=0.2, application/json;odata.metadata=full;q=0.9', undefined, { ...minimal, metadata: 'full' }],
    ['unsatisfiable range falls back to the next', 'application/json;odata.metadata=verbose, application/json;odata.metadata=none;q=0.5', undefined, { ...minimal, metadata: 'none' }],
    ['wildcard after atom', 'application/atom+xml, */*;q=0.1', undefined, minimal],
    ['$format=json beats Accept', 'application/xml', 'json', minimal],
    ['$format with parameters', undefined, 'application/json;odata.metadata=full;IEEE754Compatible=true', { metadata: 'full', ieee754Compatible: true, streaming: true }],
    ['$format beats Accept parameters', 'application/json;odata.metadata=full', 'application/json;odata.metadata=none', { ...minimal, metadata: 'none' }],
  ])('%s', (_label, accept, format, expected) => {
    expect(negotiateJsonFormat(accept, format)).toEqual(expected);
  });

  it.each<[string, string | undefined, string | undefined, string]>([
    ['XML only', 'application/xml', undefined, 'Accept: application/xml'],
    ['Atom only', 'application/atom+xml', undefined, 'Accept: application/atom+xml'],
    ['text/plain', 'text/plain', undefined, 'Accept: text/plain'],
    ['JSON refused by q=0 despite */*', 'application/json;q=0, */*', undefined, 'Accept: application/json;q=0, */*'],
    ['unknown metadata level', 'application/json;odata.metadata=verbose', undefined, 'Accept: application/json;odata.metadata=verbose'],
    ['OData 3 verbose', 'application/json;odata=verbose', undefined, 'Accept: application/json;odata=verbose'],
    ['bad IEEE754Compatible', 'application/json;IEEE754Compatible=yes', undefined, 'Accept: application/json;IEEE754Compatible=yes'],
    ['$format=atom', undefined, 'atom', '$format=atom'],
    ['$format=xml', 'application/json', 'xml', '$format=xml'],
    ['$format=application/xml', undefined, 'application/xml', '$format=application/xml'],
  ])('refuses %s with 406 NotAcceptable', (_label, accept, format, shown) => {
    let caught: unknown;
    try {
      negotiateJsonFormat(accept, format);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ODataError);
    expect((caught as ODataError).status).toBe(406);
    expect((caught as ODataError).toJSON()).toEqual({
      error: {
        code: 'NotAcceptable',
        message: `The requested format ${shown} is not supported; use application/json.`,
        details: [],
      },
    });
  });
});

describe('parseMetadataLevel', () => {
  it.each<[string | undefined, string | undefined, string]>([
    [undefined, undefined, 'minimal'],
    ['application/json;odata.metadata=none', undefined, 'none'],
    [undefined, 'application/json;odata.metadata=full', 'full'],
  ])('Accept %p, $format %p → %s', (accept, format, level) => {
    expect(parseMetadataLevel(accept, format)).toBe(level);
  });
});

describe('jsonContentType', () => {
  it('spells the parameters in the order Power Query lists them', () => {
    expect(jsonContentType(minimal)).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false');
    expect(jsonContentType({ metadata: 'full', ieee754Compatible: true, streaming: false })).toBe(
      'application/json;odata.metadata=full;odata.streaming=false;IEEE754Compatible=true',
    );
  });
});
