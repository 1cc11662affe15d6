/**
 * Reading and writing the gateway's own cookies. Every cookie is `HttpOnly` (no script reads it), `SameSite=Lax`
 * (sent on top-level navigation, so Bitbucket's redirect back carries the state cookie, but not on cross-site
 * POSTs; RFC 6265bis §5.4.7) and `Secure` when the gateway is reached over TLS (COOKIE_SECURE).
 */
import type { Request, Response } from 'express';
import type { GatewayConfig } from '../config';

/** The values of every cookie called `name` (a browser may send several with different paths), in header order. */
export function readCookies(req: Request, name: string): string[] {
  const header = req.get('cookie');
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
  }
  return values;
}

function isSecure(req: Request, config: GatewayConfig): boolean {
  if (config.cookieSecure !== 'auto') return config.cookieSecure === 'always';
  return config.publicUrl?.startsWith('https:') === true || req.secure;
}

export interface CookieSpec {
  name: string;
  value: string;
  path: string;
  maxAgeSeconds: number;
}

export function setCookie(req: Request, res: Response, config: GatewayConfig, cookie: CookieSpec): void {
  const attributes = [`${cookie.name}=${cookie.value}`, `Path=${cookie.path}`, `Max-Age=${Math.max(0, Math.floor(cookie.maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Lax'];
  if (cookie.maxAgeSeconds <= 0) attributes.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (isSecure(req, config)) attributes.push('Secure');
  res.append('Set-Cookie', attributes.join('; '));
}

export function clearCookie(req: Request, res: Response, config: GatewayConfig, name: string, path: string): void {
  setCookie(req, res, config, { name, value: '', path, maxAgeSeconds: 0 });
}
