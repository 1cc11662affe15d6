/**
 * The gateway's own base URL for links it writes (nextLinks, `Location`, `@odata.context`, the connector's host, the
 * OAuth callback). `PUBLIC_URL` when set. Otherwise the request's `Host` header, but only for a host this gateway may
 * call itself: anyone can send any `Host`, and a link built from a forged one points clients (and, for the OAuth
 * callback, Bitbucket's authorization code) at another server: "host header injection" (OWASP Web Security Testing
 * Guide, WSTG-INPV-17). Django refuses such requests the same way (`ALLOWED_HOSTS`). Loopback names are always
 * allowed, so the demo and local tools need no setting.
 */
import type { Request } from 'express';
import type { GatewayConfig } from '../config';
import { ODataError } from '../odata/errors';

const LOOPBACK = /^(localhost|[a-z0-9-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** `host[:port]` → host name, lower-cased (an IPv6 literal keeps its brackets). */
function hostNameOf(host: string): string {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return name.toLowerCase();
}

/** Whether a `Host` header names this gateway: a loopback name, or a host listed in `ALLOWED_HOSTS`. */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  const name = hostNameOf(host);
  if (name === '' || /[^a-z0-9.\-[\]:]/i.test(name)) return false;
  return LOOPBACK.test(name) || allowedHosts.some((allowed) => allowed.toLowerCase() === name || allowed.toLowerCase() === host.toLowerCase());
}

/**
 * The last base built from an allowed Host, and the `ALLOWED_HOSTS` it was checked against (the same array for one
 * config): a client sends the same Host on every request, so the check (three regular expressions, two lower-casings)
 * and the string are made once per Host that changes, not per answer (issue #15: CPU per answer). Only an allowed
 * Host is kept; a refused one is checked, and refused, every time.
 */
let lastAllowed: { host: string; protocol: string; allowedHosts: readonly string[] | undefined; base: string } | undefined;

/** `PUBLIC_URL`, else `protocol://host` from the request when the host is allowed; else a 400 that says what to set. */
export function publicBaseOf(req: Request, config: Pick<GatewayConfig, 'publicUrl' | 'allowedHosts'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = req.get('host') ?? '';
  const protocol = req.protocol;
  const known = lastAllowed;
  if (known !== undefined && known.host === host && known.protocol === protocol && known.allowedHosts === config.allowedHosts) return known.base;
  if (!isAllowedHost(host, config.allowedHosts ?? [])) {
    throw new ODataError('UnknownHost', { host: host === '' ? '(none)' : host });
  }
  const base = `${protocol}://${host}`;
  lastAllowed = { host, protocol, allowedHosts: config.allowedHosts, base };
  return base;
}
