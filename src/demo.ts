/**
 * `npm run demo`: the Bitbucket sandbox and the gateway in one process, no credentials needed. Requests without an
 * Authorization header act as the sandbox's demo user; explicit Basic/Bearer credentials are passed through as usual.
 */
import { startSandbox } from '../sandbox/app';
import { DEMO_USER } from '../sandbox/identities';
import { loadConfig } from './config';
import { startGateway } from './server';

async function main(): Promise<void> {
  const sandboxPort = Number(process.env.SANDBOX_PORT ?? 7990);
  // The demo user gets a generous hourly budget so a Power BI refresh of the demo data never trips the limit.
  const sandbox = await startSandbox({ rateLimitPerHour: Number(process.env.SANDBOX_RATE_LIMIT ?? 100000) }, sandboxPort);
  const config = { ...loadConfig({ ...process.env, BITBUCKET_API_URL: sandbox.apiUrl }), demoCredential: { kind: 'bearer' as const, token: DEMO_USER.bearerToken } };
  const gateway = await startGateway(config);
  const root = `${gateway.url}/odata/`;
  const lines = [
    '',
    `Bitbucket sandbox:  ${sandbox.apiUrl}`,
    `OData service root: ${root}`,
    '',
    'Try:',
    `  curl '${root}'`,
    `  curl '${root}$metadata'`,
    `  curl '${root}Repositories?$select=Workspace,Slug,IsPrivate&$top=5'`,
    `  curl '${root}PullRequests?$filter=State%20eq%20%27OPEN%27&$orderby=CreatedOn%20desc&$top=5&$select=Workspace,RepositorySlug,Id,Title'`,
    `  curl '${root}PullRequests/$count'`,
    '',
    `Excel / Power BI: Get Data → OData feed → ${root}  (Anonymous works in the demo; or Basic ${DEMO_USER.email} / ${DEMO_USER.apiToken})`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = () => void Promise.all([gateway.close(), sandbox.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Demo failed to start: ${String(error)}\n`);
  process.exit(1);
});
