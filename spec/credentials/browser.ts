/**
 * A minimal browser for the sign-in specs: follows redirects one hop at a time over real HTTP, keeps cookies per
 * origin, and maps the OAuth consumer's registered callback origin (http://localhost:8080 in sandbox/identities.ts)
 * onto the gateway under test, as a hosts-file entry would. It records every hop and every Set-Cookie it saw.
 */
export interface Hop {
  url: string;
  status: number;
  location?: string;
  setCookies: string[];
}

export interface BrowserOptions {
  /** Origins to serve from another address, e.g. `{ 'http://localhost:8080': 'http://127.0.0.1:PORT' }`. */
  hosts: Record<string, string>;
  /** Change a URL before it is requested (e.g. add `sandbox_user=olga` on Bitbucket's consent page). */
  beforeRequest?: (url: URL) => URL;
}

interface StoredCookie {
  value: string;
  path: string;
}

export class Browser {
  readonly #jar = new Map<string, Map<string, StoredCookie>>();
  readonly hops: Hop[] = [];

  constructor(private readonly options: BrowserOptions) {}

  /** Follow redirects from `start` until a non-redirect answer (at most 10 hops). */
  async navigate(start: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; url: string; body: string; headers: Headers }> {
    let url = new URL(start);
    for (let hop = 0; hop < 10; hop += 1) {
      if (this.options.beforeRequest) url = this.options.beforeRequest(url);
      const target = this.#resolve(url);
      const cookie = this.cookieHeader(target);
      const response = await fetch(target, { method: hop === 0 ? (init.method ?? 'GET') : 'GET', redirect: 'manual', headers: { ...(cookie ? { Cookie: cookie } : {}), ...init.headers } });
      const setCookies = response.headers.getSetCookie();
      this.#store(target, setCookies);
      const location = response.headers.get('location') ?? undefined;
      this.hops.push({ url: url.toString(), status: response.status, location, setCookies });
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      return { status: response.status, url: url.toString(), body: await response.text(), headers: response.headers };
    }
    throw new Error('More than 10 redirects');
  }

  /** The Cookie header this browser would send to `url`. */
  cookieHeader(url: string): string {
    const parsed = new URL(url);
    const cookies = this.#jar.get(parsed.origin) ?? new Map<string, StoredCookie>();
    return [...cookies.entries()].filter(([, cookie]) => parsed.pathname.startsWith(cookie.path)).map(([name, cookie]) => `${name}=${cookie.value}`).join('; ');
  }

  cookie(origin: string, name: string): string | undefined {
    return this.#jar.get(new URL(this.#resolve(new URL(origin))).origin)?.get(name)?.value;
  }

  setCookie(origin: string, name: string, value: string): void {
    const key = new URL(this.#resolve(new URL(origin))).origin;
    const cookies = this.#jar.get(key) ?? new Map<string, StoredCookie>();
    cookies.set(name, { value, path: '/' });
    this.#jar.set(key, cookies);
  }

  #resolve(url: URL): string {
    const mapped = this.options.hosts[url.origin];
    return mapped ? `${mapped}${url.pathname}${url.search}` : url.toString();
  }

  #store(url: string, setCookies: string[]): void {
    const origin = new URL(url).origin;
    const cookies = this.#jar.get(origin) ?? new Map<string, StoredCookie>();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      const path = attributes.find((attribute) => /^path=/i.test(attribute))?.slice(5) ?? '/';
      const maxAge = attributes.find((attribute) => /^max-age=/i.test(attribute));
      if (value === '' || (maxAge && Number(maxAge.slice(8)) <= 0)) cookies.delete(name);
      else cookies.set(name, { value, path });
    }
    this.#jar.set(origin, cookies);
  }
}
