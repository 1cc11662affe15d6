/**
 * Validate a write body against the generated JSON Schema (ajv) and say, in one 400, everything that is wrong:
 * unknown properties, read-only ones, wrong types, missing required fields. Nothing goes upstream before this passes.
 */
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Row } from '../odata/ast';
import { ODataError, type ErrorDetail } from '../odata/errors';
import type { EntitySetDefinition } from '../entity-sets/model';
import type { JsonSchema } from '../entity-sets/write-schema';

/**
 * The validator, made at the first write: loading ajv and its formats and making it cost ~80 ms of CPU in a fresh
 * process, which every spec file that built an app paid (Jest loads modules per file), and a read-only gateway never
 * needs.
 */
let validator: Ajv | undefined;
function ajv(): Ajv {
  if (validator === undefined) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { default: AjvClass } = require('ajv') as typeof import('ajv');
    const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
    /* eslint-enable @typescript-eslint/no-require-imports */
    validator = new AjvClass({ allErrors: true, strict: false });
    addFormats(validator);
  }
  return validator;
}
/** Compiled once per schema id: the schemas are generated per call, and ajv refuses a second schema with one id. */
const compiled = new Map<string, ValidateFunction>();

function describe(error: ErrorObject, def: EntitySetDefinition, schema: JsonSchema): ErrorDetail {
  const property = error.instancePath.replace(/^\//, '') || undefined;
  const writable = Object.keys((schema.properties as Record<string, unknown>) ?? {});
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { code: 'MissingProperty', message: `${missing} is required.`, target: missing };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const known = def.properties.some((p) => p.name === extra);
      return {
        code: known ? 'ReadOnlyProperty' : 'UnknownProperty',
        message: known
          ? `${extra} cannot be set here (it is computed by Bitbucket or part of the key). Settable: ${writable.join(', ') || 'none'}.`
          : `${extra} is not a property of ${def.typeName}. Settable: ${writable.join(', ') || 'none'}.`,
        target: extra,
      };
    }
    case 'enum':
      return { code: 'InvalidValue', message: `${property} must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}.`, target: property };
    case 'type':
      return { code: 'InvalidType', message: `${property ?? 'The body'} must be ${(error.params as { type: string }).type}.`, target: property };
    default:
      return { code: 'InvalidValue', message: `${property ?? 'The body'} ${error.message ?? 'is not valid'}.`, target: property };
  }
}

/** The body's property values when valid (annotations dropped); otherwise a 400 listing every problem. */
export function validateBody(body: unknown, schema: JsonSchema, def: EntitySetDefinition): Row {
  const id = String(schema.$id);
  let validate = compiled.get(id);
  if (!validate) compiled.set(id, (validate = ajv().compile(schema)));
  if (!validate(body)) {
    const details = (validate.errors ?? []).map((error) => describe(error, def, schema));
    throw new ODataError('InvalidBody', { reason: details.map((d) => d.message).join(' ').replace(/\.$/, '') }, { details, target: details[0]?.target });
  }
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([name]) => !name.includes('@'))) as Row;
}
