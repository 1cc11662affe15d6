/**
 * Write `apiDefinition.swagger.json` and `apiProperties.json` into a directory, the layout the `paconn` CLI reads
 * (`paconn create --api-def apiDefinition.swagger.json --api-prop apiProperties.json`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EdmModel } from '../odata/edm';
import { buildApiDefinition } from './build-api-definition';
import { buildApiProperties } from './build-api-properties';
import { checkConnectorRules } from './check-connector-rules';
import type { ConnectorOptions } from './connector-options';
import { API_DEFINITION_FILE, API_PROPERTIES_FILE } from './connector-router';
import type { WebhookTrigger } from '../entity-sets/webhook-trigger';

export async function writeConnectorFiles(directory: string, model: EdmModel, options: ConnectorOptions, triggers: readonly WebhookTrigger[] = []): Promise<string[]> {
  const definition = buildApiDefinition(model, options, triggers);
  const properties = buildApiProperties(options, definition);
  // Never hand paconn a definition Power Platform would refuse.
  const violations = checkConnectorRules(definition, properties);
  if (violations.length > 0) {
    throw new Error(`The generated connector breaks Power Platform rules:\n${violations.map((v) => `  ${v.at}: ${v.message}`).join('\n')}`);
  }
  await mkdir(directory, { recursive: true });
  const files = [join(directory, API_DEFINITION_FILE), join(directory, API_PROPERTIES_FILE)];
  await writeFile(files[0], `${JSON.stringify(definition, null, 2)}\n`);
  await writeFile(files[1], `${JSON.stringify(properties, null, 2)}\n`);
  return files;
}
