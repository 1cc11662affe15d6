/**
 * `GET /connector/apiDefinition.swagger.json` and `GET /connector/apiProperties.json`: the two files a Power Platform
 * custom connector is made of, generated for this gateway's address. Public: they describe the service, not data.
 */
import { Router, type Request } from 'express';
import { version } from '../../package.json';
import type { GatewayConfig } from '../config';
import { publicBaseOf } from '../http/public-base';
import type { EdmModel } from '../odata/edm';
import { buildApiDefinition } from './build-api-definition';
import { buildApiProperties } from './build-api-properties';
import { connectorOptionsFor, type ConnectorOptions } from './connector-options';
import type { WebhookTrigger } from '../entity-sets/webhook-trigger';

export interface ConnectorRouterDeps {
  config: Pick<GatewayConfig, 'publicUrl' | 'bitbucketOAuthUrl'>;
  model: EdmModel;
  /** Power Automate webhook triggers the model's entity sets back. */
  triggers?: readonly WebhookTrigger[];
  /** Where the OData router is mounted, e.g. `/odata`. */
  servicePath: string;
}

export const API_DEFINITION_FILE = 'apiDefinition.swagger.json';
export const API_PROPERTIES_FILE = 'apiProperties.json';

export function createConnectorRouter({ config, model, triggers = [], servicePath }: ConnectorRouterDeps): Router {
  const router = Router();
  const optionsOf = (req: Request): ConnectorOptions =>
    connectorOptionsFor(config, publicBaseOf(req, config), servicePath, { version });
  router.get(`/${API_DEFINITION_FILE}`, (req, res) => {
    res.json(buildApiDefinition(model, optionsOf(req), triggers));
  });
  router.get(`/${API_PROPERTIES_FILE}`, (req, res) => {
    const options = optionsOf(req);
    res.json(buildApiProperties(options, buildApiDefinition(model, options, triggers)));
  });
  return router;
}
