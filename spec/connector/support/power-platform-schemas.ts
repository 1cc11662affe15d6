/**
 * Microsoft's JSON Schemas for the two connector files (spec/fixtures/power-platform, copies from
 * microsoft/PowerPlatformConnectors with their source and licence), compiled with ajv. Both are JSONC (`//` comments)
 * written for draft-04 (`id`, and the definition's `$ref`s into the draft-04 meta-schema), so comments are stripped
 * and ajv-draft-04 compiles them. The apiProperties schema says draft-07 in `$schema` but uses draft-04's `id`, so its
 * `$schema` is not looked up (validateSchema: false). Unknown keywords (`examples`, VS Code's `defaultSnippets`) are
 * annotations: strict mode off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import stripJsonComments from 'strip-json-comments';

export const SCHEMA_DIRECTORY = join(__dirname, '..', '..', 'fixtures', 'power-platform');
export type PowerPlatformSchema = 'apiDefinition.swagger.schema.json' | 'paconn-apiProperties.schema.json';

export function loadSchema(file: PowerPlatformSchema): Record<string, unknown> {
  return JSON.parse(stripJsonComments(readFileSync(join(SCHEMA_DIRECTORY, file), 'utf8'))) as Record<string, unknown>;
}

export function compileSchema(file: PowerPlatformSchema): ValidateFunction {
  const ajv = new Ajv04({ strict: false, allErrors: true, validateSchema: false });
  // ajv-formats is typed against ajv's own class; ajv-draft-04 extends it.
  addFormats(ajv as unknown as Parameters<typeof addFormats>[0]);
  return ajv.compile(loadSchema(file));
}

/** Errors as one line each, for messages a reader can act on. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`);
}
