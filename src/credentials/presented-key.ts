/**
 * Where a gateway key arrives, and taking it out of the request. Power Query's Web API key
 * (`OData.Feed(url, null, [ApiKeyName="api_key"])`) appends `api_key=<key>` to every URL it requests, nextLinks
 * included (client rules AU-02); Basic puts the key in the password (any user name; AU-01). The parameter is removed
 * from the request URL here, before any router reads it, so nothing built from the URL (nextLinks, the query a
 * `$skiptoken` is bound to, `Location`, log lines, error messages) can carry the key: Power Query adds it again.
 */
import type { Request } from 'express';
import { ODataError } from '../odata/errors';
import { GATEWAY_KEY_PREFIX } from './gateway-keys';

export type PresentedKey = { key: string; via: 'query' | 'basic' };

/** The key this request presents, if any; the query parameter is removed from `req.url` and `req.originalUrl`. */
export function takePresentedKey(req: Request, parameter: string): PresentedKey | undefined {
  const fromQuery = takeQueryParameter(req, parameter);
  const fromBasic = basicPasswordKey(req.get('authorization'));
  if (fromQuery.length > 1) throw new ODataError('BadRequest', { message: `The query parameter ${parameter} (a gateway key) appears ${fromQuery.length} times; give it once.` });
  if (fromQuery.length === 1) {
    if (req.get('authorization')) throw new ODataError('BadRequest', { message: `The request carries a gateway key in ${parameter} and an Authorization header; send one credential.` });
    return { key: fromQuery[0], via: 'query' };
  }
  return fromBasic === undefined ? undefined : { key: fromBasic, via: 'basic' };
}

/** Every value of `name` in the query string (percent-decoded), after removing them from the URL. */
function takeQueryParameter(req: Request, name: string): string[] {
  const values: string[] = [];
  // Express reads the path and the query (req.query) from req.url, the part below the mount point; both go.
  req.originalUrl = withoutParameter(req.originalUrl, name, values);
  req.url = withoutParameter(req.url, name, []);
  return values;
}

function withoutParameter(url: string, name: string, values: string[]): string {
  const question = url.indexOf('?');
  if (question < 0 || !namesParameter(url, question + 1, name)) return url;
  const kept = url
    .slice(question + 1)
    .split('&')
    .filter((part) => {
      const equals = part.indexOf('=');
      if (decodeSafely(equals < 0 ? part : part.slice(0, equals)) !== name) return true;
      values.push(equals < 0 ? '' : decodeSafely(part.slice(equals + 1).replace(/\+/g, ' ')));
      return false;
    });
  return kept.length > 0 ? `${url.slice(0, question)}?${kept.join('&')}` : url.slice(0, question);
}

/**
 * Whether some parameter of the query at `from` is named `name`, read as `withoutParameter` reads names, without
 * splitting the query into new strings: nearly no request carries a key in its URL, and every one was split, filtered
 * and joined again twice (issue #15: CPU per answer). A name without `%` is compared as it is (decoding changes nothing
 * then); one with `%` is decoded first.
 */
function namesParameter(url: string, from: number, name: string): boolean {
  // The next `=` and `%` are looked for again only once passed, so a long query is read once, not once per parameter.
  let equals = url.indexOf('=', from);
  let percent = url.indexOf('%', from);
  for (let start = from; start <= url.length; ) {
    const amp = url.indexOf('&', start);
    const end = amp < 0 ? url.length : amp;
    if (equals >= 0 && equals < start) equals = url.indexOf('=', start);
    if (percent >= 0 && percent < start) percent = url.indexOf('%', start);
    const nameEnd = equals >= 0 && equals < end ? equals : end;
    if (percent >= 0 && percent < nameEnd) {
      if (decodeSafely(url.slice(start, nameEnd)) === name) return true;
    } else if (nameEnd - start === name.length && url.startsWith(name, start)) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A gateway key given as the password of `Authorization: Basic` (the user name is ignored). */
function basicPasswordKey(header: string | undefined): string | undefined {
  const match = header ? /^basic\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password.startsWith(GATEWAY_KEY_PREFIX) ? password : undefined;
}
