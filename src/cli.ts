#!/usr/bin/env node
/**
 * `bitbucket-odata` command line: `npm run connector -- …` from a clone after `npm ci` (tsx runs the source), or the
 * `bitbucket-odata` bin of a built package.
 *
 *   bitbucket-odata connector --out DIR [--public-url URL] [--client-id KEY] [--website URL] [--privacy-url URL]
 *
 * writes apiDefinition.swagger.json and apiProperties.json for `paconn create`. The gateway's address comes from
 * --public-url, else PUBLIC_URL; Bitbucket's OAuth origin from BITBUCKET_OAUTH_URL (default https://bitbucket.org).
 * A relative --out is taken from the directory the command was typed in: npm runs scripts in the package root and
 * says where the user was in INIT_CWD.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../package.json';
import { ConfigError, loadConfig } from './config';
import { connectorOptionsFor, writeConnectorFiles } from './connector';
import { buildEdmModel } from './entity-sets/to-edm-model';
import { webhookTriggers } from './entity-sets/to-webhook-triggers';

const USAGE = `Usage:
  npm run connector -- --out DIR [--public-url URL] [--client-id KEY] [--website URL] [--privacy-url URL]
  (bitbucket-odata connector … when installed as a package)

  --out DIR          directory for apiDefinition.swagger.json and apiProperties.json (created if missing)
  --public-url URL   the gateway's public base URL as Power Platform reaches it (default: PUBLIC_URL); each
                     connection can change its host (Gateway host)
  --client-id KEY    the Key of your Bitbucket OAuth consumer, written into apiProperties.json
  --website URL      the connector's Website (default: the public URL)
  --privacy-url URL  the connector's Privacy policy (default: the website)
`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Run the CLI; resolves to the process exit code (0 ok, 2 usage or configuration error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'connector') {
    io.stderr(command === undefined || command === '--help' ? USAGE : `Unknown command '${command}'.\n\n${USAGE}`);
    return command === '--help' ? 0 : 2;
  }
  let values: { out?: string; 'public-url'?: string; 'client-id'?: string; website?: string; 'privacy-url'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        out: { type: 'string' },
        'public-url': { type: 'string' },
        'client-id': { type: 'string' },
        website: { type: 'string' },
        'privacy-url': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.out) {
    io.stderr(`Give the output directory with --out DIR.\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ ...io.env, ...(values['public-url'] ? { PUBLIC_URL: values['public-url'] } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`Configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (!config.publicUrl) {
    io.stderr('Say where Power Platform reaches the gateway: --public-url https://odata.example.com (or set PUBLIC_URL).\n');
    return 2;
  }
  const options = connectorOptionsFor(config, config.publicUrl, '/odata', {
    version,
    ...(values['client-id'] === undefined ? {} : { oauthClientId: values['client-id'] }),
    ...(values.website === undefined ? {} : { website: values.website }),
    ...(values['privacy-url'] === undefined ? {} : { privacyPolicyUrl: values['privacy-url'] }),
  });
  const out = resolve(io.env.INIT_CWD ?? process.cwd(), values.out);
  const files = await writeConnectorFiles(out, buildEdmModel(), options, webhookTriggers());
  io.stdout(
    [
      ...files.map((file) => `wrote ${file}`),
      '',
      `Next: paconn create --api-def ${files[0]} --api-prop ${files[1]} --secret <your consumer Secret>`,
      '',
    ].join('\n'),
  );
  return 0;
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bitbucket-odata failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
