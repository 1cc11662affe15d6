import { useState } from 'preact/hooks';
import { usingApiToken } from './api';
import type { ConsoleConfig } from './api';

export interface Identity {
  displayName: string;
  nickname?: string;
  /** How the gateway knows the caller. */
  via: 'token' | 'ambient';
}

export interface Workspace {
  Slug: string;
  Name: string | null;
}

interface Props {
  config: ConsoleConfig;
  identity?: Identity;
  workspaces: Workspace[];
  problem?: string;
  busy: boolean;
  onToken(email: string, token: string): void;
  onSignOut(): void;
}

export function SignIn({ config, identity, workspaces, problem, busy, onToken, onSignOut }: Props) {
  const [email, setEmail] = useState('');
  const [token, setToken] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    onToken(email.trim(), token);
    // The token is kept in memory for requests only; the field never shows it again.
    setToken('');
  };
  return (
    <section aria-labelledby="signin-heading" class="panel">
      <h2 id="signin-heading">Who you are</h2>
      {identity ? (
        <div class="identity" data-testid="identity">
          <p>
            Signed in as <strong>{identity.displayName}</strong>
            {identity.nickname ? ` (${identity.nickname})` : ''}
            {identity.via === 'token'
              ? ' with an Atlassian API token (kept in this tab only).'
              : config.serviceMode
                ? ': this gateway answers requests without a credential as its own Bitbucket identity (service mode, as in the demo).'
                : ' with your Bitbucket sign-in.'}
          </p>
          <h3>Workspaces you see</h3>
          {workspaces.length > 0 ? (
            <ul class="workspaces" data-testid="workspaces">
              {workspaces.map((workspace) => (
                <li key={workspace.Slug}>
                  <code>{workspace.Slug}</code>
                  {workspace.Name && workspace.Name !== workspace.Slug ? ` ${workspace.Name}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p>No workspaces.</p>
          )}
          {usingApiToken() ? (
            <button type="button" class="secondary" onClick={onSignOut}>
              Forget the API token
            </button>
          ) : config.bitbucketSignIn && !config.serviceMode ? (
            <button type="button" class="secondary" onClick={onSignOut}>
              Sign out
            </button>
          ) : null}
        </div>
      ) : (
        <p data-testid="signed-out">{busy ? 'Checking who you are…' : 'Not signed in.'}</p>
      )}
      {problem ? (
        <p role="alert" class="error">
          {problem}
        </p>
      ) : null}
      <div class="signin-ways">
        {config.bitbucketSignIn ? (
          <div>
            <h3>Bitbucket account</h3>
            <p>Sign in on Bitbucket's own page; the gateway keeps the session in an HttpOnly cookie.</p>
            <a class="button" href="/auth/login?return_to=/">
              Sign in with Bitbucket
            </a>
          </div>
        ) : null}
        <form onSubmit={submit} aria-labelledby="token-heading">
          <h3 id="token-heading">Atlassian API token</h3>
          <p>
            Atlassian account → Security → API tokens → <em>Create API token with scopes</em>, app Bitbucket, with the
            read scopes. The token stays in this tab's memory and is never shown again.
          </p>
          <label for="token-email">Atlassian account email</label>
          <input id="token-email" type="email" autoComplete="username" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
          <label for="token-secret">API token</label>
          <input id="token-secret" type="password" autoComplete="off" required value={token} onInput={(event) => setToken(event.currentTarget.value)} />
          <button type="submit" disabled={busy}>
            Use this token
          </button>
        </form>
      </div>
    </section>
  );
}
