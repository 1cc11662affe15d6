import { XMLValidator } from 'fast-xml-parser';
import type { EdmModel } from '../../../src/odata/edm';
import { buildCsdlXml, FILTER_FUNCTIONS } from '../../../src/odata/metadata';
import { SUPPORTED_FORMATS } from '../../../src/odata/serialize';
import { csdlProblems } from './csdl-rules';
import { fixtureModel, pullRequests, repositories } from './edm-model-fixture';
import { annotationsOf, attr, child, children, readCsdl, recordOf, texts, type XmlNode } from './parse-csdl';

const xml = buildCsdlXml(fixtureModel);
const csdl = readCsdl(xml, 'Bitbucket');

function entityType(name: string): XmlNode {
  const type = children(csdl.service, 'EntityType').find((candidate) => attr(candidate, 'Name') === name);
  if (type === undefined) throw new Error(`no EntityType ${name}`);
  return type;
}

/** The opt-in document with the gateway's own Pushdown terms (`$metadata?annotations=gateway`, client rule MD-02). */
const optInXml = buildCsdlXml(fixtureModel, '4.0', { gateway: true });
const optIn = readCsdl(optInXml, 'Bitbucket');

function optInMember(name: string): XmlNode {
  const member = children(optIn.container, 'EntitySet').find((candidate) => attr(candidate, 'Name') === name);
  if (member === undefined) throw new Error(`no entity set ${name} in the opt-in document`);
  return member;
}

function containerMember(name: string): XmlNode {
  const member = [...children(csdl.container, 'EntitySet'), ...children(csdl.container, 'Singleton')].find(
    (candidate) => attr(candidate, 'Name') === name,
  );
  if (member === undefined) throw new Error(`no container member ${name}`);
  return member;
}

describe('buildCsdlXml', () => {
  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('is deterministic', () => {
    expect(buildCsdlXml(structuredClone(fixtureModel))).toBe(xml);
  });

  it('passes the structural CSDL rules', () => {
    expect(csdlProblems(xml, 'Bitbucket')).toEqual([]);
  });

  it('has a validator that notices broken documents', () => {
    const broken = xml
      .replace('Target="Repositories"', 'Target="Repos"')
      .replace('Capabilities.TopSupported', 'Capabilities.TopSuported')
      .replace('<PropertyValue Property="Countable"', '<PropertyValue Property="Counted"');
    expect(csdlProblems(broken, 'Bitbucket')).toEqual([
      'Repositories: Capabilities.CountRestrictions has no member Counted',
      'Repositories: unknown term Capabilities.TopSuported',
      'PullRequests: binding target Repos does not exist',
    ]);
  });

  it('declares OData 4.0 and references Core and Capabilities by their standard URIs', () => {
    expect(attr(csdl.edmx, 'Version')).toBe('4.0');
    const references = children(csdl.edmx, 'edmx:Reference').map((reference) => ({
      uri: attr(reference, 'Uri'),
      namespace: attr(child(reference, 'edmx:Include'), 'Namespace'),
      alias: attr(child(reference, 'edmx:Include'), 'Alias'),
    }));
    expect(references).toEqual([
      {
        uri: 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml',
        namespace: 'Org.OData.Core.V1',
        alias: 'Core',
      },
      {
        uri: 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml',
        namespace: 'Org.OData.Capabilities.V1',
        alias: 'Capabilities',
      },
    ]);
  });

  describe.each(fixtureModel.entitySets)('entity type of $name', (set) => {
    const type = entityType(set.typeName);

    it('has the declared key', () => {
      expect(children(child(type, 'Key'), 'PropertyRef').map((ref) => attr(ref, 'Name'))).toEqual(set.key);
    });

    it('has every property with type, nullability (keys never nullable), facets and annotations', () => {
      const actual = children(type, 'Property').map((property) => ({
        name: attr(property, 'Name'),
        type: attr(property, 'Type'),
        nullable: attr(property, 'Nullable'),
        precision: attr(property, 'Precision'),
        scale: attr(property, 'Scale'),
        description: attr(annotationsOf(property).get('Core.Description'), 'String'),
        computed: attr(annotationsOf(property).get('Core.Computed'), 'Bool'),
        immutable: attr(annotationsOf(property).get('Core.Immutable'), 'Bool'),
      }));
      const expected = set.properties.map((property) => ({
        name: property.name,
        type: property.type,
        nullable: String(property.nullable && !set.key.includes(property.name)),
        precision: property.type === 'Edm.DateTimeOffset' ? '6' : undefined,
        scale: property.type === 'Edm.Decimal' ? 'variable' : undefined,
        description: property.description,
        computed: property.writable === undefined ? 'true' : undefined,
        immutable: property.writable?.onInsert && !property.writable.onUpdate && !set.key.includes(property.name) ? 'true' : undefined,
      }));
      expect(actual).toEqual(expected);
    });

    it('describes the type', () => {
      expect(attr(annotationsOf(type).get('Core.Description'), 'String')).toBe(set.description);
    });
  });

  it('forces key properties non-nullable even when declared nullable', () => {
    expect(repositories.properties.find((property) => property.name === 'Slug')?.nullable).toBe(true);
    const slug = children(entityType('Repository'), 'Property').find((property) => attr(property, 'Name') === 'Slug');
    expect(attr(slug, 'Nullable')).toBe('false');
  });

  it('writes single-valued navigation with referential constraints and a non-nullable facet', () => {
    const nav = child(entityType('PullRequest'), 'NavigationProperty');
    expect(attr(nav, 'Name')).toBe('Repository');
    expect(attr(nav, 'Type')).toBe('Bitbucket.Repository');
    expect(attr(nav, 'Nullable')).toBe('false');
    expect(children(nav, 'ReferentialConstraint').map((c) => [attr(c, 'Property'), attr(c, 'ReferencedProperty')])).toEqual([
      ['Workspace', 'Workspace'],
      ['RepositorySlug', 'Slug'],
    ]);
  });

  it('describes the join of collection-valued navigation instead of a constraint ODataLib would reject', () => {
    const nav = child(entityType('Repository'), 'NavigationProperty');
    expect(attr(nav, 'Type')).toBe('Collection(Bitbucket.PullRequest)');
    expect(attr(nav, 'Nullable')).toBeUndefined();
    expect(children(nav, 'ReferentialConstraint')).toEqual([]);
    expect(attr(annotationsOf(nav).get('Core.Description'), 'String')).toBe(
      'The PullRequests whose Workspace = Workspace and RepositorySlug = Slug of this Repository.',
    );
  });

  it('writes bound actions with the binding parameter first', () => {
    const actions = children(csdl.service, 'Action').map((action) => ({
      name: attr(action, 'Name'),
      isBound: attr(action, 'IsBound'),
      entitySetPath: attr(action, 'EntitySetPath'),
      parameters: children(action, 'Parameter').map((p) => `${attr(p, 'Name')}:${attr(p, 'Type')}:${attr(p, 'Nullable')}`),
      returnType: attr(child(action, 'ReturnType'), 'Type'),
      description: attr(annotationsOf(action).get('Core.Description'), 'String'),
    }));
    expect(actions).toEqual([
      {
        name: 'Merge',
        isBound: 'true',
        entitySetPath: 'bindingParameter',
        parameters: [
          'bindingParameter:Bitbucket.PullRequest:false',
          'MergeStrategy:Edm.String:true',
          'Message:Edm.String:true',
          'CloseSourceBranch:Edm.Boolean:true',
        ],
        returnType: 'Bitbucket.PullRequest',
        description: 'Merge the pull request.',
      },
      {
        name: 'Decline',
        isBound: 'true',
        entitySetPath: undefined,
        parameters: ['bindingParameter:Bitbucket.PullRequest:false'],
        returnType: undefined,
        description: 'Decline the pull request.',
      },
    ]);
  });

  it('lists every entity set and singleton with navigation bindings', () => {
    expect(attr(csdl.container, 'Name')).toBe('Container');
    expect(children(csdl.container, 'EntitySet').map((set) => [attr(set, 'Name'), attr(set, 'EntityType')])).toEqual([
      ['Repositories', 'Bitbucket.Repository'],
      ['PullRequests', 'Bitbucket.PullRequest'],
    ]);
    expect(children(csdl.container, 'Singleton').map((set) => [attr(set, 'Name'), attr(set, 'Type')])).toEqual([['Me', 'Bitbucket.User']]);
    const bindings = (name: string) =>
      children(containerMember(name), 'NavigationPropertyBinding').map((b) => [attr(b, 'Path'), attr(b, 'Target')]);
    expect(bindings('Repositories')).toEqual([['PullRequests', 'PullRequests']]);
    expect(bindings('PullRequests')).toEqual([['Repository', 'Repositories']]);
  });

  // Table: entity set → the Capabilities annotations we expect, as flat strings.
  const capabilityTable: Array<[string, Record<string, string>]> = [
    [
      'Repositories',
      {
        'Capabilities.CountRestrictions/Countable': 'true',
        'Capabilities.TopSupported': 'true',
        'Capabilities.SkipSupported': 'true',
        'Capabilities.SearchRestrictions/Searchable': 'true',
        'Capabilities.FilterRestrictions/Filterable': 'true',
        'Capabilities.FilterRestrictions/RequiresFilter': 'false',
        'Capabilities.SortRestrictions/Sortable': 'true',
        'Capabilities.ExpandRestrictions/Expandable': 'true',
        'Capabilities.ExpandRestrictions/MaxLevels': '1',
        'Capabilities.InsertRestrictions/Insertable': 'false',
        'Capabilities.UpdateRestrictions/Updatable': 'true',
        'Capabilities.DeleteRestrictions/Deletable': 'false',
      },
    ],
    [
      'PullRequests',
      {
        'Capabilities.CountRestrictions/Countable': 'true',
        'Capabilities.TopSupported': 'true',
        'Capabilities.SkipSupported': 'true',
        'Capabilities.SearchRestrictions/Searchable': 'false',
        'Capabilities.FilterRestrictions/Filterable': 'true',
        'Capabilities.FilterRestrictions/RequiresFilter': 'true',
        'Capabilities.FilterRestrictions/RequiredProperties': 'Workspace',
        'Capabilities.SortRestrictions/Sortable': 'true',
        'Capabilities.ExpandRestrictions/Expandable': 'true',
        'Capabilities.ExpandRestrictions/MaxLevels': '1',
        'Capabilities.InsertRestrictions/Insertable': 'true',
        'Capabilities.UpdateRestrictions/Updatable': 'true',
        'Capabilities.DeleteRestrictions/Deletable': 'false',
      },
    ],
  ];

  it.each(capabilityTable)('annotates the capabilities of %s', (name, expected) => {
    const flat: Record<string, string> = {};
    for (const [term, annotation] of annotationsOf(containerMember(name))) {
      if (!term.startsWith('Capabilities.')) continue;
      if (attr(annotation, 'Bool') !== undefined) flat[term] = attr(annotation, 'Bool') ?? '';
      for (const [member, value] of recordOf(annotation)) {
        flat[`${term}/${member}`] = attr(value, 'Bool') ?? attr(value, 'Int') ?? texts(child(value, 'Collection'), 'PropertyPath').join(',');
      }
    }
    expect(flat).toEqual(expected);
  });

  it.each([repositories, pullRequests])('publishes the pushdown of $name as a long description; by default no Gateway terms (MD-02)', (set) => {
    const annotations = annotationsOf(containerMember(set.name));
    expect(attr(annotations.get('Core.LongDescription'), 'String')).toContain(
      `Filters on ${set.capabilities.pushdownFilterable.join(', ')} are evaluated upstream`,
    );
    expect([...annotations.keys()].filter((term) => !/^(Core|Capabilities)\./.test(term))).toEqual([]);
    expect(csdl.schemas.map((schema) => attr(schema, 'Namespace'))).toEqual(['Bitbucket']);
  });

  it.each([repositories, pullRequests])('publishes the pushdown of $name as Gateway terms on the opt-in document (annotations=gateway)', (set) => {
    const annotations = annotationsOf(optInMember(set.name));
    expect(texts(child(annotations.get('Gateway.PushdownFilterable'), 'Collection'), 'PropertyPath')).toEqual(
      set.capabilities.pushdownFilterable,
    );
    expect(texts(child(annotations.get('Gateway.PushdownSortable'), 'Collection'), 'PropertyPath')).toEqual(
      set.capabilities.pushdownSortable,
    );
  });

  it('the opt-in document passes the structural CSDL rules too', () => {
    expect(csdlProblems(optInXml, 'Bitbucket')).toEqual([]);
  });

  it('declares the Gateway vocabulary it uses, on the opt-in document', () => {
    const gateway = optIn.schemas.find((schema) => attr(schema, 'Namespace') === 'ODataGateway.V1');
    expect(attr(gateway, 'Alias')).toBe('Gateway');
    expect(children(gateway, 'Term').map((term) => [attr(term, 'Name'), attr(term, 'Type'), attr(term, 'AppliesTo')])).toEqual([
      ['PushdownFilterable', 'Collection(Edm.PropertyPath)', 'EntitySet'],
      ['PushdownSortable', 'Collection(Edm.PropertyPath)', 'EntitySet'],
    ]);
  });

  it('gives the singleton its description and no collection capabilities', () => {
    expect([...annotationsOf(containerMember('Me')).keys()]).toEqual(['Core.Description']);
  });

  it('annotates the container with conformance, formats, batch, async and filter functions', () => {
    const annotations = annotationsOf(csdl.container);
    expect([...annotations.keys()]).toEqual([
      'Capabilities.ConformanceLevel',
      'Capabilities.SupportedFormats',
      'Capabilities.AsynchronousRequestsSupported',
      'Capabilities.BatchSupported',
      'Capabilities.FilterFunctions',
    ]);
    expect(attr(annotations.get('Capabilities.ConformanceLevel'), 'EnumMember')).toBe('Capabilities.ConformanceLevelType/Intermediate');
    expect(texts(child(annotations.get('Capabilities.SupportedFormats'), 'Collection'), 'String')).toEqual(SUPPORTED_FORMATS);
    expect(SUPPORTED_FORMATS).toContain('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false');
    expect(attr(annotations.get('Capabilities.AsynchronousRequestsSupported'), 'Bool')).toBe('false');
    expect(attr(annotations.get('Capabilities.BatchSupported'), 'Bool')).toBe('false');
    expect(texts(child(annotations.get('Capabilities.FilterFunctions'), 'Collection'), 'String')).toEqual(FILTER_FUNCTIONS);
    expect(FILTER_FUNCTIONS).toEqual(expect.arrayContaining(['contains', 'startswith', 'tolower', 'year', 'now']));
  });

  it('escapes descriptions so they read back exactly', () => {
    const awkward = `Quotes ' " <tags> & ampersands\ttab\nnewline — ünïcödé 🚀 ]]> end`;
    const model: EdmModel = {
      ...fixtureModel,
      entitySets: [{ ...repositories, description: awkward, navigation: [] }],
    };
    const document = buildCsdlXml(model);
    expect(XMLValidator.validate(document)).toBe(true);
    const type = children(readCsdl(document, 'Bitbucket').service, 'EntityType')[0];
    expect(attr(annotationsOf(type).get('Core.Description'), 'String')).toBe(awkward);
  });

  it('leaves out empty descriptions', () => {
    const model: EdmModel = { ...fixtureModel, entitySets: [{ ...repositories, description: '', navigation: [] }] };
    const type = children(readCsdl(buildCsdlXml(model), 'Bitbucket').service, 'EntityType')[0];
    expect(annotationsOf(type).has('Core.Description')).toBe(false);
  });

  it('refuses a navigation whose target set does not exist, naming it', () => {
    const model: EdmModel = { ...fixtureModel, entitySets: [repositories] };
    expect(() => buildCsdlXml(model)).toThrow("Navigation Repository/PullRequests targets unknown entity set 'PullRequests'.");
  });
});
