import { useEffect, useState } from 'preact/hooks';
import { ApiError, forgetApiToken, getJson, loadConfig, signOutOfSession, useApiToken, usingApiToken, type ConsoleConfig } from './api';
import { Connect } from './connect';
import { Explore } from './explore';
import { entitySetNames, entitySetsOf, type EntitySetInfo } from './odata-model';
import { SignIn, type Identity, type Workspace } from './sign-in';
import { nextTheme, savedTheme, applyTheme, type Theme } from './theme';

type View = 'signin' | 'connect' | 'explore';
const VIEWS: Array<[View, string]> = [
  ['signin', 'Sign in'],
  ['connect', 'Connect'],
  ['explore', 'Explore'],
];

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | undefined>();
  const [fatal, setFatal] = useState<string | undefined>();
  const [view, setView] = useState<View>('signin');
  const [identity, setIdentity] = useState<Identity | undefined>();
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [signInProblem, setSignInProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(true);
  const [sets, setSets] = useState<EntitySetInfo[] | undefined>();
  const [setsProblem, setSetsProblem] = useState<string | undefined>();
  const [theme, setTheme] = useState<Theme>(savedTheme());

  useEffect(() => applyTheme(theme), [theme]);

  /** Who the gateway takes this tab for, and what it can see: `/odata/Me` and `/odata/Workspaces`. */
  const whoAmI = async () => {
    setBusy(true);
    setSignInProblem(undefined);
    try {
      const me = await getJson<{ DisplayName: string; Nickname?: string | null }>('/odata/Me');
      const list = await getJson<{ value: Workspace[] }>('/odata/Workspaces?$select=Slug,Name');
      setIdentity({ displayName: me.body.DisplayName, nickname: me.body.Nickname ?? undefined, via: usingApiToken() ? 'token' : 'ambient' });
      setWorkspaces(list.body.value);
      const [serviceDocument, metadata] = await Promise.all([getJson<unknown>('/odata/'), getJson<unknown>('/odata/$metadata?$format=json')]);
      const names = new Set(entitySetNames(serviceDocument.body));
      setSets(entitySetsOf(metadata.body).filter((set) => names.has(set.name)));
      setSetsProblem(undefined);
    } catch (error) {
      setIdentity(undefined);
      setWorkspaces([]);
      setSets(undefined);
      const message = messageOf(error);
      const refused = error instanceof ApiError && error.status === 401;
      // A refused token is dropped at once, so no later request sends it again.
      if (refused && usingApiToken()) forgetApiToken();
      setSignInProblem(refused ? `Not signed in: ${message}` : message);
      setSetsProblem(message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    loadConfig().then(
      (loaded) => {
        setConfig(loaded);
        void whoAmI();
      },
      (error: unknown) => setFatal(messageOf(error)),
    );
  }, []);

  if (fatal) {
    return (
      <main id="main" class="panel">
        <h1>Bitbucket OData gateway</h1>
        <p role="alert" class="error">
          The console could not start: {fatal}
        </p>
      </main>
    );
  }
  if (!config) return <p class="loading">Loading…</p>;

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1>Bitbucket OData gateway</h1>
        <nav aria-label="Console">
          <ul>
            {VIEWS.map(([id, label]) => (
              <li key={id}>
                <button type="button" class="tab" aria-current={view === id ? 'page' : undefined} onClick={() => setView(id)}>
                  {label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="secondary theme" onClick={() => setTheme(nextTheme(theme))} aria-label={`Colour scheme: ${theme}. Change it`}>
          Theme: {theme}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {view === 'signin' ? (
          <SignIn
            config={config}
            identity={identity}
            workspaces={workspaces}
            problem={signInProblem}
            busy={busy}
            onToken={(email, token) => {
              useApiToken(email, token);
              void whoAmI();
            }}
            onSignOut={async () => {
              if (usingApiToken()) forgetApiToken();
              else await signOutOfSession();
              await whoAmI();
            }}
          />
        ) : null}
        {view === 'connect' ? <Connect config={config} /> : null}
        {view === 'explore' ? (
          sets ? (
            <Explore sets={sets} serviceRoot={config.serviceRoot} />
          ) : (
            <section class="panel" aria-labelledby="explore-heading">
              <h2 id="explore-heading">Explore</h2>
              <p role="alert" class="error">
                {busy ? 'Loading the entity sets…' : `Sign in first: ${setsProblem ?? 'the entity sets could not be read'}`}
              </p>
            </section>
          )
        ) : null}
      </main>
    </>
  );
}
