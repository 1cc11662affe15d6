/**
 * Bitbucket's OAuth 2.0 endpoints, derived from one configured origin so the sandbox can stand in for bitbucket.org
 * (Bitbucket "Use OAuth on Bitbucket Cloud": `https://bitbucket.org/site/oauth2/authorize` and `/access_token`).
 */
export interface OAuthEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
}

export function oauthEndpoints(oauthBaseUrl: string): OAuthEndpoints {
  const base = oauthBaseUrl.replace(/\/+$/, '');
  return { authorizeUrl: `${base}/site/oauth2/authorize`, tokenUrl: `${base}/site/oauth2/access_token` };
}
