/**
 * The answer to a key creation: the only time the gateway shows a key's secret (gateway-keys.ts keeps none). Never
 * cached, never sent as a referrer, no scripts, like the token page.
 */
import type { Response } from 'express';
import { escapeHtml, PRIVATE_PAGE_HEADERS } from './token-page';
import type { GatewayKeyInfo } from './gateway-keys';

export interface KeyPageContent {
  key: string;
  info: GatewayKeyInfo;
  serviceRoot: string;
  /** API_KEY_PARAMETER: Power Query's `ApiKeyName`. */
  apiKeyParameter: string;
}

export function sendKeyPage(res: Response, content: KeyPageContent, wantsJson: boolean): void {
  res.status(201).set(PRIVATE_PAGE_HEADERS);
  const { key, info, serviceRoot, apiKeyParameter } = content;
  const feed = `OData.Feed("${serviceRoot}", null, [ApiKeyName="${apiKeyParameter}"])`;
  if (wantsJson) {
    res.json({ id: info.id, label: info.label, key, createdAt: new Date(info.createdAt).toISOString(), expiresAt: new Date(info.expiresAt).toISOString(), serviceRoot, apiKeyParameter, powerQuery: feed });
    return;
  }
  const e = escapeHtml;
  res.type('html').send(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bitbucket OData feed: your new gateway key</title></head><body>
<h1>Gateway key "${e(info.label)}"</h1>
<p>Copy it now: it is shown only once. It works until ${e(new Date(info.expiresAt).toISOString())} unless you revoke it
(key id <code>${e(info.id)}</code>).</p>
<p><code>${e(key)}</code></p>
<h2>Power BI (Desktop and service)</h2>
<p>Either <b>Web API key</b>: in Power Query use <code>${e(feed)}</code> and, when asked, choose <b>Web API</b> and paste
the key; or <b>Basic</b>: <code>${e(serviceRoot)}</code> as OData feed, any user name, the key as password. In the
service, enter the same under the semantic model's <b>Data source credentials</b>. Never put the key into the M code
or the URL yourself.</p>
<p><a href="/auth/token">Back to your credentials</a></p>
</body></html>
`);
}
