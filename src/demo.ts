/**
 * `npm run demo`: the Bitbucket sandbox and the gateway in one process, no credentials needed. The demo is service
 * mode (SERVICE_MODE=access_token with the demo user's token), the only place it is on without being configured:
 * requests without an Authorization header act as the sandbox's demo user; explicit Basic/Bearer credentials and a
 * browser session are used as usual.
 */
import { startSandbox } from '../sandbox/app';
import { DEMO_OAUTH_CONSUMER, DEMO_USER } from '../sandbox/identities';
import { loadConfig } from './config';
import { ListenError, listenErrorMessage, startGateway } from './server';

async function main(): Promise<void> {
  const sandboxPort = Number(process.env.SANDBOX_PORT ?? 7990);
  // The demo user gets a generous hourly budget so a Power BI refresh of the demo data never trips the limit.
  const sandbox = await startSandbox({ rateLimitPerHour: Number(process.env.SANDBOX_RATE_LIMIT ?? 100000) }, sandboxPort).catch((error: unknown) => {
    throw new ListenError(listenErrorMessage(error, 'SANDBOX_PORT', sandboxPort));
  });
  // Service mode with the demo user's token: the one place it is on without being asked for. Sign-in with the
  // sandbox's OAuth consumer works too when the gateway listens on 8080 (the consumer's registered callback).
  const config = loadConfig({
    OAUTH_CLIENT_ID: DEMO_OAUTH_CONSUMER.clientId,
    OAUTH_CLIENT_SECRET: DEMO_OAUTH_CONSUMER.clientSecret,
    OAUTH_CALLBACK_URL: DEMO_OAUTH_CONSUMER.callbackUrl,
    ...process.env,
    BITBUCKET_API_URL: sandbox.apiUrl,
    BITBUCKET_OAUTH_URL: sandbox.url,
    SERVICE_MODE: 'access_token',
    SERVICE_ACCESS_TOKEN: DEMO_USER.bearerToken,
  });
  // A taken PORT fails here with a message naming it (startGateway); the sandbox is not left answering alone.
  const gateway = await startGateway(config).catch(async (error: unknown) => {
    await sandbox.close();
    throw error;
  });
  const root = `${gateway.url}/odata/`;
  const lines = [
    '',
    `Bitbucket sandbox:  ${sandbox.apiUrl}`,
    `OData service root: ${root}`,
    `Web console:        ${gateway.url}/`,
    '',
    'Try:',
    `  curl '${root}'`,
    `  curl '${root}$metadata'`,
    `  curl '${root}Repositories?$select=Workspace,Slug,IsPrivate&$top=5'`,
    `  curl '${root}PullRequests?$filter=State%20eq%20%27OPEN%27&$orderby=CreatedOn%20desc&$top=5&$select=Workspace,RepositorySlug,Id,Title'`,
    `  curl '${root}PullRequests/$count'`,
    '',
    `Excel / Power BI: Get Data → OData feed → ${root}  (Anonymous works in the demo; or Basic ${DEMO_USER.email} / ${DEMO_USER.apiToken})`,
    `Browser sign-in:    ${gateway.url}/auth/login  (as the demo user; needs the gateway on port 8080)`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = () => void Promise.all([gateway.close(), sandbox.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Demo failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
