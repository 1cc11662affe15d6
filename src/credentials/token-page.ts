/**
 * `/auth/token`: what a signed-in browser user needs to use the feed from other tools. Shows who is signed in, the
 * service root, and the current access token for curl (it expires; Excel and Power BI should use Basic with an
 * API token instead, which the page explains), and the user's gateway keys with forms to create and revoke them.
 * Never cached, never sent as a referrer, no scripts.
 */
import type { Response } from 'express';
import type { GatewayKeyInfo } from './gateway-keys';

export interface TokenPageContent {
  displayName: string;
  serviceRoot: string;
  accessToken: string;
  expiresAt: Date;
  /** The user's gateway keys, whichever replica created them (ids, labels, dates; never a secret). */
  keys: GatewayKeyInfo[];
  /** API_KEY_PARAMETER, Power Query's `ApiKeyName`. */
  apiKeyParameter: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** For pages that show a secret: never cached, never a referrer, no scripts or other loads. */
export const PRIVATE_PAGE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer', 'Content-Security-Policy': "default-src 'none'; form-action 'self'", 'X-Content-Type-Options': 'nosniff' };

/** A gateway key as the key list shows it (JSON). */
export function listedKey(info: GatewayKeyInfo): { id: string; label: string; createdAt: string; expiresAt: string } {
  return { id: info.id, label: info.label, createdAt: new Date(info.createdAt).toISOString(), expiresAt: new Date(info.expiresAt).toISOString() };
}

export function sendTokenPage(res: Response, content: TokenPageContent, wantsJson: boolean): void {
  res.set(PRIVATE_PAGE_HEADERS);
  if (wantsJson) {
    res.json({ user: content.displayName, serviceRoot: content.serviceRoot, tokenType: 'Bearer', accessToken: content.accessToken, expiresAt: content.expiresAt.toISOString(), keys: content.keys.map(listedKey) });
    return;
  }
  const e = escapeHtml;
  const keyRows = content.keys
    .map((key) => `<li>${e(key.label)} (<code>${e(key.id)}</code>), created ${e(new Date(key.createdAt).toISOString())}, until ${e(new Date(key.expiresAt).toISOString())}
<form method="post" action="/auth/keys/${encodeURIComponent(key.id)}/revoke"><button>Revoke</button></form></li>`)
    .join('\n');
  res.type('html').send(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bitbucket OData feed: your credential</title></head><body>
<h1>Signed in as ${e(content.displayName)}</h1>
<p>OData service root: <code>${e(content.serviceRoot)}</code></p>
<h2>curl and scripts</h2>
<p>Until ${e(content.expiresAt.toISOString())}: <code>curl -H 'Authorization: Bearer ${e(content.accessToken)}' '${e(content.serviceRoot)}'</code></p>
<h2>Excel and Power BI</h2>
<p>Choose <b>Basic</b>: your Atlassian account email as user name, a Bitbucket API token (Atlassian account, Security,
API tokens, with read scopes for Bitbucket) as password. It keeps working for scheduled refresh; this page's token does not.</p>
<h2>Power BI service: gateway keys</h2>
<p>A gateway key acts as you for scheduled refresh without an API token: Power Query's Web API key
(<code>ApiKeyName="${e(content.apiKeyParameter)}"</code>) or a Basic password with any user name. It is shown once, when created
(<code>POST /auth/keys</code>); revoke it here or with <code>DELETE /auth/keys/{id}</code>.</p>
<form method="post" action="/auth/keys"><label>Label <input name="label" maxlength="100" value="Power BI"></label> <button>Create a key</button></form>
<ul>
${keyRows}
</ul>
<p><a href="/auth/logout">Sign out</a></p>
</body></html>
`);
}
