import type { ComponentChildren } from 'preact';
import type { ConsoleConfig } from './api';
import { CopyButton } from './copy-button';

function Card({ title, children }: { title: string; children: ComponentChildren }) {
  const id = `card-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <article class="card" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </article>
  );
}

const BASIC = (
  <>
    <strong>Basic</strong>: user name your Atlassian account email, password a Bitbucket API token
  </>
);

export function Connect({ config }: { config: ConsoleConfig }) {
  const root = config.serviceRoot;
  const curlLine = `curl -u 'you@example.com:<API token>' '${root}PullRequests?$top=5'`;
  const feedM = `OData.Feed("${root}", null, [Implementation="2.0", ODataVersion=4])`;
  return (
    <section aria-labelledby="connect-heading" class="panel">
      <h2 id="connect-heading">Connect a client</h2>
      <div class="feed">
        <label for="feed-url">OData feed URL</label>
        <div class="row">
          <input id="feed-url" readOnly value={root} data-testid="feed-url" onFocus={(event) => event.currentTarget.select()} />
          <CopyButton text={root} label="Copy the feed URL" />
        </div>
      </div>
      <div class="cards">
        <Card title="Excel">
          <ol>
            <li>
              <strong>Data → Get Data → From Other Sources → From OData Feed</strong>, paste the feed URL, OK.
            </li>
            <li>Choose {BASIC}. Apply it to the feed URL, Connect.</li>
            <li>
              Pick the tables in the Navigator, <strong>Transform Data</strong> to filter early (filters go to Bitbucket),
              then <strong>Close &amp; Load</strong>.
            </li>
          </ol>
        </Card>
        <Card title="Power BI Desktop">
          <ol>
            <li>
              Open the <a href={config.pbids} download="bitbucket-odata.pbids">Power BI data source file (.pbids)</a>, or{' '}
              <strong>Get Data → OData feed</strong> with the feed URL.
            </li>
            <li>Choose {BASIC}.</li>
            <li>
              Filter on Workspace, RepositorySlug, State or UpdatedOn in Power Query so the filter folds, then{' '}
              <strong>Close &amp; Apply</strong>.
            </li>
          </ol>
          <p class="m">
            <code>{feedM}</code> <CopyButton text={feedM} label="Copy the Power Query M expression" />
          </p>
        </Card>
        <Card title="Power BI service">
          <ol>
            <li>Publish the report from Power BI Desktop.</li>
            <li>
              Semantic model <strong>Settings → Data source credentials → Edit credentials → Basic</strong> with the same
              email and API token.
            </li>
            <li>
              Turn on <strong>Scheduled refresh</strong>. The service must reach this gateway over HTTPS; renew the API token
              before it expires.
            </li>
          </ol>
        </Card>
        <Card title="Power Apps">
          <ol>
            <li>
              Download the connector files:{' '}
              <a href={config.connector.definition} download="apiDefinition.swagger.json" data-testid="download-definition">
                apiDefinition.swagger.json
              </a>{' '}
              and{' '}
              <a href={config.connector.properties} download="apiProperties.json" data-testid="download-properties">
                apiProperties.json
              </a>
              .
            </li>
            <li>
              Create a Bitbucket OAuth consumer, then <code>paconn create --api-def apiDefinition.swagger.json --api-prop apiProperties.json --secret &lt;Secret&gt;</code>.
            </li>
            <li>Copy the connector's Redirect URL into the consumer's Callback URL, then Test → New connection.</li>
          </ol>
        </Card>
        <Card title="Power Automate">
          <ol>
            <li>Use the same custom connector (Power Apps card) in a flow: a <em>List</em> or <em>Get</em> action per entity set.</li>
            <li>
              Turn on <strong>Settings → Pagination</strong> on a List action to follow every page.
            </li>
            <li>
              <em>When a repository event occurs</em> starts a flow on a pull request, comment or push.
            </li>
          </ol>
        </Card>
        <Card title="curl">
          <p>Any HTTP client works; send your credential on every request.</p>
          <pre>
            <code>{curlLine}</code>
          </pre>
          <CopyButton text={curlLine} label="Copy the curl command" />
        </Card>
      </div>
    </section>
  );
}
