/**
 * Our `$metadata` checked by the OASIS OData TC's own artefacts:
 * - the EDMX/EDM XML Schemas (edmx.xsd, edm.xsd shipped in npm `odata-csdl`), through libxml2 (npm `xmllint-wasm`);
 * - the CSDL XML → JSON converter (npm `odata-csdl`) in strict mode, whose result must equal our own CSDL JSON;
 * - the CSDL JSON Schema (csdl.schema.json) over our CSDL JSON, with ajv;
 * - the CSDL → OpenAPI converter (npm `odata-openapi`), which must report no messages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { xml2json } from 'odata-csdl';
import { csdl2openapi } from 'odata-openapi';
import { validateXML } from 'xmllint-wasm';
import { buildCsdlJson, buildCsdlXml } from '../../../src/odata/metadata';
import { buildEdmModel } from '../../../src/entity-sets/to-edm-model';
import type { EdmModel } from '../../../src/odata/edm';
import { fixtureModel } from './edm-model-fixture';

const schemasDir = join(require.resolve('odata-csdl/package.json'), '..', 'schemas');

/** Remove `@odata.type` members of annotation records: the converter adds them, we leave them implied by the term. */
function withoutRecordTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRecordTypes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name]) => name !== '@odata.type')
        .map(([name, member]) => [name, withoutRecordTypes(member)]),
    );
  }
  return value;
}

// The fixture exercises every CSDL feature; the gateway's own model is what clients actually read.
describe.each<[string, EdmModel]>([
  ['fixture model', fixtureModel],
  ['the gateway model', buildEdmModel()],
])('$metadata of the %s against the OASIS tools', (_name, model) => {
  const xml = buildCsdlXml(model);
  it('is valid against the OASIS EDMX and EDM XML Schemas', async () => {
    const result = await validateXML({
      xml: [{ fileName: 'metadata.xml', contents: xml }],
      schema: [{ fileName: 'edmx.xsd', contents: readFileSync(join(schemasDir, 'edmx.xsd'), 'utf8') }],
      preload: [{ fileName: 'edm.xsd', contents: readFileSync(join(schemasDir, 'edm.xsd'), 'utf8') }],
    });
    expect(result.errors.map((error) => error.rawMessage)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the XSD check rejects an invalid document (so a pass means something)', async () => {
    const result = await validateXML({
      xml: [{ fileName: 'metadata.xml', contents: xml.replace('<Key>', '<Keys>').replace('</Key>', '</Keys>') }],
      schema: [{ fileName: 'edmx.xsd', contents: readFileSync(join(schemasDir, 'edmx.xsd'), 'utf8') }],
      preload: [{ fileName: 'edm.xsd', contents: readFileSync(join(schemasDir, 'edm.xsd'), 'utf8') }],
    });
    expect(result.valid).toBe(false);
  });

  it('converts with odata-csdl in strict mode, without messages, to exactly our CSDL JSON', () => {
    const messages: unknown[] = [];
    const converted = xml2json(xml, { strict: true, messages });
    expect(messages).toEqual([]);
    expect(withoutRecordTypes(converted)).toEqual(buildCsdlJson(model));
  });

  it('our CSDL JSON is valid against the OASIS CSDL JSON Schema', () => {
    const schema = JSON.parse(readFileSync(join(schemasDir, 'csdl.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    validate(buildCsdlJson(model));
    expect(validate.errors ?? []).toEqual([]);
    expect(validate({ $Version: '4.0', Bitbucket: { Repository: { $Kind: 'EntityType', $Key: 'Slug' } } })).toBe(false);
  });

  it('converts to OpenAPI 3 with odata-openapi without messages', () => {
    const messages: unknown[] = [];
    const openapi = csdl2openapi(xml2json(xml, { strict: true }), {
      host: 'gateway.example',
      basePath: '/odata',
      messages,
    });
    expect(messages).toEqual([]);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/Repositories',
        "/Repositories(Workspace='{Workspace}',Slug='{Slug}')",
        "/Repositories(Workspace='{Workspace}',Slug='{Slug}')/PullRequests",
        '/PullRequests',
        "/PullRequests(Workspace='{Workspace}',RepositorySlug='{RepositorySlug}',Id={Id})/Bitbucket.Merge",
        '/Me',
      ]),
    );
    // Capabilities reach the OpenAPI: POST exactly where InsertRestrictions say Insertable.
    for (const set of model.entitySets.filter((s) => !s.singleton)) {
      expect(Object.keys(openapi.paths[`/${set.name}`] ?? {}).includes('post')).toBe(set.capabilities.insertable);
    }
  });
});
