/**
 * `/auth/token`: what a signed-in browser user needs to use the feed from other tools. Shows who is signed in, the
 * service root, and the current access token for curl (it expires; Excel and Power BI should use Basic with an
 * API token instead, which the page explains). Never cached, never sent as a referrer, no scripts.
 */
import type { Response } from 'express';

export interface TokenPageContent {
  displayName: string;
  serviceRoot: string;
  accessToken: string;
  expiresAt: Date;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function sendTokenPage(res: Response, content: TokenPageContent, wantsJson: boolean): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer', 'Content-Security-Policy': "default-src 'none'", 'X-Content-Type-Options': 'nosniff' });
  if (wantsJson) {
    res.json({ user: content.displayName, serviceRoot: content.serviceRoot, tokenType: 'Bearer', accessToken: content.accessToken, expiresAt: content.expiresAt.toISOString() });
    return;
  }
  const e = escapeHtml;
  res.type('html').send(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bitbucket OData feed: your credential</title></head><body>
<h1>Signed in as ${e(content.displayName)}</h1>
<p>OData service root: <code>${e(content.serviceRoot)}</code></p>
<h2>curl and scripts</h2>
<p>Until ${e(content.expiresAt.toISOString())}: <code>curl -H 'Authorization: Bearer ${e(content.accessToken)}' '${e(content.serviceRoot)}'</code></p>
<h2>Excel and Power BI</h2>
<p>Choose <b>Basic</b>: your Atlassian account email as user name, a Bitbucket API token (Atlassian account, Security,
API tokens, with read scopes for Bitbucket) as password. It keeps working for scheduled refresh; this page's token does not.</p>
<p><a href="/auth/logout">Sign out</a></p>
</body></html>
`);
}
