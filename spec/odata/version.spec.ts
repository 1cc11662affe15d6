/**
 * Version negotiation (OData 4.01 Part 1 §8.1.5, §8.2.7) and version-dependent system query option names
 * (Part 2 §5.1), as tables.
 */
import { ODataError } from '../../src/odata/errors';
import { canonicalQueryString, parseQueryOptions, systemQueryOptionKey } from '../../src/odata/parse';
import { negotiateVersion, type VersionHeaders } from '../../src/odata/version';

describe('negotiateVersion', () => {
  const answered: Array<[VersionHeaders, string, string]> = [
    [{}, '4.0', '4.0'],
    [{ maxVersion: '4.0' }, '4.0', '4.0'],
    [{ maxVersion: '4.01' }, '4.01', '4.01'],
    [{ maxVersion: '4.1' }, '4.01', '4.01'],
    [{ maxVersion: '4.009' }, '4.0', '4.0'],
    [{ maxVersion: '10.0' }, '4.01', '4.01'],
    [{ version: '4.0' }, '4.0', '4.0'],
    [{ version: '4.01' }, '4.01', '4.0'],
    [{ version: '4.0', maxVersion: '4.01' }, '4.0', '4.01'],
    [{ version: '4.01', maxVersion: '4.01' }, '4.01', '4.01'],
    [{ version: '4.00' }, '4.0', '4.0'],
  ];
  test.each(answered)('%j → request %s, response %s', (headers, request, response) => {
    expect(negotiateVersion(headers)).toEqual({ request, response });
  });

  const refused: Array<[VersionHeaders, string]> = [
    [{ maxVersion: '3.0' }, 'The OData-MaxVersion header 3.0 cannot be honoured: this service answers in OData 4.0 and 4.01 only.'],
    [{ maxVersion: '4' }, 'The OData-MaxVersion header 4 cannot be honoured: it is not a version number such as 4.0 or 4.01.'],
    [{ maxVersion: '' }, 'it is not a version number'],
    [{ version: '4.02' }, 'The OData-Version header 4.02 cannot be honoured: this service reads requests written in OData 4.0 and 4.01 only.'],
    [{ version: '3.0', maxVersion: '4.01' }, 'OData-Version header 3.0'],
    [{ version: '4.0;NetFx' }, 'it is not a version number'],
  ];
  test.each(refused)('%j → 400 InvalidODataVersion', (headers, message) => {
    let error: unknown;
    try {
      negotiateVersion(headers);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ODataError);
    expect((error as ODataError).code).toBe('InvalidODataVersion');
    expect((error as ODataError).status).toBe(400);
    expect((error as ODataError).message).toContain(message);
  });
});

describe('system query option names by version', () => {
  const keys: Array<[string, string | undefined, string | undefined]> = [
    ['$top', '$top', '$top'],
    ['$TOP', '$top', '$top'],
    ['top', undefined, '$top'],
    ['Top', undefined, '$top'],
    ['filter', undefined, '$filter'],
    ['skiptoken', undefined, '$skiptoken'],
    ['apply', undefined, '$apply'],
    ['id', undefined, '$id'],
    ['x-foo', undefined, undefined],
    ['sap-client', undefined, undefined],
    ['topmost', undefined, undefined],
    ['$foo', '$foo', '$foo'],
  ];
  test.each(keys)('%s → 4.0 %s, 4.01 %s', (name, v40, v401) => {
    expect(systemQueryOptionKey(name, '4.0')).toBe(v40);
    expect(systemQueryOptionKey(name, '4.01')).toBe(v401);
  });

  test('parseQueryOptions: a 4.0 query ignores top=1; the same text in 4.01 is $top=1', () => {
    expect(parseQueryOptions('top=1&$skip=2').top).toBeUndefined();
    expect(parseQueryOptions('top=1&$skip=2', undefined, '4.01')).toMatchObject({ top: 1, skip: 2 });
  });

  test('parseQueryOptions 4.01: with and without $ is the same option, given twice', () => {
    expect(() => parseQueryOptions('$top=1&TOP=2', undefined, '4.01')).toThrow('The query option $top appears more than once');
  });

  test('parseQueryOptions 4.01: nested $expand options without $', () => {
    const query = parseQueryOptions('expand=Repository(select=Name;Filter=Id eq 1)', undefined, '4.01');
    expect(query.expand?.[0].options.select).toEqual(['Name']);
    expect(query.expand?.[0].options.filter).toBeDefined();
    expect(() => parseQueryOptions('$expand=Repository(select=Name)')).toThrow("'select' in Repository(…) is not an option this service supports there");
  });

  test.each([
    ['top=1&select=Id&x-foo=top&$skiptoken=abc', '4.01', '$top=1&$select=Id&x-foo=top&$skiptoken=abc'],
    ['TOP=1&%24Filter=Id%20eq%201&skiptoken=abc', '4.01', '$top=1&$filter=Id%20eq%201&$skiptoken=abc'],
    ['top=1&$TOP=1&%zz=1', '4.0', 'top=1&$TOP=1&%zz=1'],
    ['top=1&%zz=1', '4.01', '$top=1&%zz=1'],
  ] as const)('canonicalQueryString(%s, %s) = %s', (raw, version, canonical) => {
    expect(canonicalQueryString(raw, version)).toBe(canonical);
  });
});
