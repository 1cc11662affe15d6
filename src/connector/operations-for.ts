/**
 * Which connector operations an entity set gets, as data: a table of operation kinds, each with the capability that
 * switches it on. Reads exist for every set; create/update/delete follow the set's Capabilities
 * (Insertable/Updatable/Deletable) and there is one operation per bound action. Those capabilities come from the
 * entity-set declarations' write routes through the EdmModel, so a set that gains a write gets its operation without
 * a change to this file.
 */
import type { EdmAction, EdmEntitySet, EdmModel } from '../odata/edm';
import { collectionSchema, entityRef, inputRef, propertySchema } from './definitions-for';
import { lowerWords, sentenceCase, titleCase, withArticle } from './display-name';
import { expandParameters, keyParameters, keyPredicateTemplate, queryOptionParameters, selectParameter } from './parameters-for';
import type { HttpMethod, SwaggerOperation, SwaggerParameter, SwaggerPrimitiveParameter, Visibility } from './swagger-types';

/** The property of a page that holds the next page's URL (OData 4.0 Part 1 §11.2.5.7); lists are pageable by it. */
export const NEXT_LINK_PROPERTY = '@odata.nextLink';

export type OperationKind = 'list' | 'get' | 'get-singleton' | 'create' | 'update' | 'delete' | 'action' | 'trigger';

export interface ConnectorOperation {
  kind: OperationKind;
  entitySet: string;
  method: HttpMethod;
  /** Path relative to the base path, e.g. `/PullRequests(Workspace='{Workspace}',…)`. */
  path: string;
  operation: SwaggerOperation;
}

interface OperationRule {
  kind: Exclude<OperationKind, 'action' | 'trigger'>;
  method: HttpMethod;
  appliesTo: (set: EdmEntitySet) => boolean;
}

/**
 * How prominently the designer lists each kind of operation (`x-ms-visibility`, which certification asks of every
 * operation: microsoft/PowerPlatformConnectors, certification-swagger-validator-rules). Deleting is destructive and
 * rarer, so it sits under "advanced"; everything else a maker reaches for is shown first.
 */
export const OPERATION_VISIBILITY: Readonly<Record<OperationKind, Visibility>> = {
  list: 'important',
  get: 'important',
  'get-singleton': 'important',
  create: 'important',
  update: 'important',
  delete: 'advanced',
  action: 'important',
  trigger: 'important',
};

/**
 * An operation summary as certification accepts it: letters, digits, spaces and parentheses, ending with a letter or
 * digit (certification-swagger-validator-rules). Other characters become spaces ("signed-in" → "signed in").
 */
export function plainSummary(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 ()]+/g, ' ')
    .replace(/[^A-Za-z0-9]+$/, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** The operation kinds and when each applies. Order is the order of operations in the definition. */
export const OPERATION_RULES: readonly OperationRule[] = [
  { kind: 'list', method: 'get', appliesTo: (set) => !set.singleton },
  { kind: 'get', method: 'get', appliesTo: (set) => !set.singleton },
  { kind: 'get-singleton', method: 'get', appliesTo: (set) => set.singleton },
  { kind: 'create', method: 'post', appliesTo: (set) => !set.singleton && set.capabilities.insertable },
  { kind: 'update', method: 'patch', appliesTo: (set) => !set.singleton && set.capabilities.updatable },
  { kind: 'delete', method: 'delete', appliesTo: (set) => !set.singleton && set.capabilities.deletable },
];

/**
 * `Prefer: return=representation` makes a PATCH answer the updated entity (OData 4.01 Part 1 §8.2.8.7), so a flow can
 * use its properties. Internal: the maker never sees it, and an internal required parameter must carry a default.
 */
const RETURN_REPRESENTATION: SwaggerPrimitiveParameter = {
  name: 'Prefer',
  in: 'header',
  required: true,
  type: 'string',
  default: 'return=representation',
  'x-ms-summary': 'Prefer',
  description: 'Asks the gateway to answer with the updated entity.',
  'x-ms-visibility': 'internal',
};

export const ERROR_RESPONSE = { description: 'An OData error: error.code and error.message say what to change.' };

function thing(set: EdmEntitySet): string {
  return lowerWords(set.typeName);
}

function entityPath(set: EdmEntitySet): string {
  return `/${set.name}${keyPredicateTemplate(set)}`;
}

function build(model: EdmModel, rule: OperationRule, set: EdmEntitySet): ConnectorOperation {
  const one = thing(set);
  const make = (path: string, operation: Omit<SwaggerOperation, 'tags'>): ConnectorOperation => ({
    kind: rule.kind,
    entitySet: set.name,
    method: rule.method,
    path,
    operation: { ...operation, tags: [set.name], 'x-ms-visibility': OPERATION_VISIBILITY[rule.kind] },
  });
  switch (rule.kind) {
    case 'list':
      return make(`/${set.name}`, {
        operationId: `List${set.name}`,
        summary: `List ${lowerWords(set.name)}`,
        description: `${set.description} Filter, sort and page with the OData query options; pages follow @odata.nextLink.`,
        parameters: queryOptionParameters(model, set),
        responses: { '200': { description: `A page of ${lowerWords(set.name)}.`, schema: collectionSchema(set) }, default: ERROR_RESPONSE },
        'x-ms-pageable': { nextLinkName: NEXT_LINK_PROPERTY },
      });
    case 'get':
      return make(entityPath(set), {
        operationId: `Get${set.typeName}`,
        summary: `Get ${withArticle(one)}`,
        description: `Reads one ${one} by its key (${set.key.join(', ')}).`,
        parameters: [...keyParameters(set), selectParameter(set), ...expandParameters(model, set)],
        responses: { '200': { description: `The ${one}.`, schema: entityRef(set) }, default: ERROR_RESPONSE },
      });
    case 'get-singleton':
      return make(`/${set.name}`, {
        operationId: `Get${set.name}`,
        // "Get user Me": a summary may not end in a parenthesis, so the singleton's name follows without one.
        summary: `Get ${one} ${set.name}`,
        description: set.description,
        parameters: [selectParameter(set)],
        responses: { '200': { description: `The ${one}.`, schema: entityRef(set) }, default: ERROR_RESPONSE },
      });
    case 'create':
      return make(`/${set.name}`, {
        operationId: `Create${set.typeName}`,
        summary: `Create ${withArticle(one)}`,
        description: `Creates ${withArticle(one)} in Bitbucket and returns it.`,
        parameters: [{ name: 'body', in: 'body', required: true, schema: inputRef(set, 'create'), 'x-ms-summary': titleCase(set.typeName), description: `The new ${one}.` }],
        responses: { '201': { description: `The created ${one}.`, schema: entityRef(set) }, default: ERROR_RESPONSE },
      });
    case 'update':
      return make(entityPath(set), {
        operationId: `Update${set.typeName}`,
        summary: `Update ${withArticle(one)}`,
        description: `Changes the given properties of ${withArticle(one)} and returns it.`,
        parameters: [
          ...keyParameters(set),
          RETURN_REPRESENTATION,
          { name: 'body', in: 'body', required: true, schema: inputRef(set, 'update'), 'x-ms-summary': titleCase(set.typeName), description: 'The properties to change.' },
        ],
        responses: { '200': { description: `The updated ${one}.`, schema: entityRef(set) }, default: ERROR_RESPONSE },
      });
    case 'delete':
      return make(entityPath(set), {
        operationId: `Delete${set.typeName}`,
        summary: `Delete ${withArticle(one)}`,
        description: `Deletes ${withArticle(one)} in Bitbucket.`,
        parameters: keyParameters(set),
        responses: { '204': { description: 'Deleted.' }, default: ERROR_RESPONSE },
      });
  }
}

/**
 * An action's title: the first sentence of its description ("Merge the pull request into its destination branch")
 * reads better than anything built from the name; a long one falls back to "Merge a pull request".
 */
function actionSummary(action: EdmAction, one: string): string {
  const first = plainSummary(/^[^.]*/.exec(action.description)?.[0] ?? '');
  return first.length > 0 && first.length <= 80 ? first : `${sentenceCase(action.name)} ${withArticle(one)}`;
}

/** A bound action, invoked as `POST …(key)/Namespace.Action` with its parameters as a JSON object (Part 1 §11.5.4.1). */
function buildAction(model: EdmModel, set: EdmEntitySet, action: EdmAction): ConnectorOperation {
  const one = thing(set);
  const body: SwaggerParameter = {
    name: 'body',
    in: 'body',
    required: true,
    schema: {
      type: 'object',
      properties: Object.fromEntries(action.parameters.map((parameter) => [parameter.name, propertySchema(parameter)])),
    },
    'x-ms-summary': `${titleCase(action.name)} Parameters`,
    description: `Parameters of ${action.name}; an empty object when none apply.`,
  };
  return {
    kind: 'action',
    entitySet: set.name,
    method: 'post',
    path: `${entityPath(set)}/${model.namespace}.${action.name}`,
    operation: {
      operationId: `${action.name}${set.typeName}`,
      summary: actionSummary(action, one),
      description: action.returnsEntity ? `${action.description} Answers the ${one} as it is afterwards.` : action.description,
      tags: [set.name],
      'x-ms-visibility': OPERATION_VISIBILITY.action,
      parameters: [...keyParameters(set), body],
      responses: action.returnsEntity
        ? { '200': { description: `The ${one} after ${action.name}.`, schema: entityRef(set) }, default: ERROR_RESPONSE }
        : { '204': { description: 'Done.' }, default: ERROR_RESPONSE },
    },
  };
}

export function operationsFor(model: EdmModel): ConnectorOperation[] {
  return model.entitySets.flatMap((set) => [
    ...OPERATION_RULES.filter((rule) => rule.appliesTo(set)).map((rule) => build(model, rule, set)),
    ...(set.singleton ? [] : set.actions.map((action) => buildAction(model, set, action))),
  ]);
}
