/**
 * What an item of a list says about the spelling of the route values it was listed under (`ListRoute.spelledIn`).
 * Bitbucket resolves `/repositories/{workspace}/{repo_slug}` case-insensitively but states its own spelling in the
 * items (`repository.full_name`, and the `links` it builds from it), so the first item of a list read under
 * `PLATFORM-API` says `platform-api`. OData keys compare case-sensitively (4.01 Part 2 §5.1.1.1.1 `eq`): such a list
 * names no entity. With that evidence no by-key read of the parent is needed before the list (`parentExists`).
 */
import type { EntitySetDefinition, ListRoute } from '../entity-sets/model';
import { readPath } from './row-from-item';

/** `same`: the item states every checked value as the client spelled it; `differs`: one otherwise; `unknown`: no evidence. */
export type Spelling = 'same' | 'differs' | 'unknown';

/**
 * The route parameters whose spelling only the parent can confirm: those filling a string property from the route
 * value itself (`{ routeParam }`), which the items do not state as a property.
 */
export function spellingParams(def: EntitySetDefinition, list: ListRoute): string[] {
  return list.params
    .filter((param) => {
      const property = def.properties.find((candidate) => candidate.name === param.property);
      return property?.type === 'Edm.String' && typeof property.source === 'object' && 'routeParam' in property.source;
    })
    .map((param) => param.name);
}

/** Whether the list's items state every parameter `spellingParams` names, so that its first item can decide. */
export function itemsStateSpelling(def: EntitySetDefinition, list: ListRoute): boolean {
  const stated = new Set((list.spelledIn ?? []).flatMap(({ pattern }) => [...pattern.matchAll(/\{([^}]+)\}/g)].map((match) => match[1])));
  return list.spelledIn !== undefined && spellingParams(def, list).every((name) => stated.has(name));
}

/** The `fields=` paths (under `values.`) an item needs to state its spelling. */
export function spellingFields(list: ListRoute): string[] {
  return (list.spelledIn ?? []).flatMap(({ path }) => (typeof path === 'string' ? [path] : path).map((one) => `values.${one}`));
}

/** The string at the first of `path`'s alternatives the item holds (a removed file has no `new` side). */
function statedAt(item: unknown, path: string | readonly string[]): unknown {
  if (typeof path === 'string') return readPath(item, path);
  for (const one of path) {
    const value = readPath(item, one);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

const patterns = new Map<string, { regex: RegExp; names: string[] }>();

function compiled(pattern: string): { regex: RegExp; names: string[] } {
  let entry = patterns.get(pattern);
  if (!entry) {
    const names: string[] = [];
    const source = pattern
      .split(/(\{[^}]+\}|\*)/)
      .map((part) => {
        // Lazy: a link's own tail may hold anything (a diffstat file's path can read `…/repositories/x/y/src/…`), so
        // `{name}` parts bind at the first place the pattern fits, right after the API's base.
        if (part === '*') return '.*?';
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([^/?#]+)';
      })
      .join('');
    entry = { regex: new RegExp(`^${source}$`), names };
    patterns.set(pattern, entry);
  }
  return entry;
}

/**
 * What `item` says about the client's route values (`routeValues`): every value a `spelledIn` source states is
 * compared exactly. A source missing from the item, or not matching its pattern, is no evidence (`unknown`), as is
 * a value the sources do not cover, and a stated value that differs by more than case: the item may name another
 * repository (a fork's commits in a pull request) or Bitbucket may resolve the client's value otherwise (a short
 * hash), which only the parent's read can settle.
 */
export function spellingOf(def: EntitySetDefinition, list: ListRoute, item: unknown, routeValues: Record<string, string>): Spelling {
  const stated: Record<string, string> = {};
  for (const { path, pattern } of list.spelledIn ?? []) {
    const value = statedAt(item, path);
    if (typeof value !== 'string') return 'unknown';
    const { regex, names } = compiled(pattern);
    const match = regex.exec(value);
    if (!match) return 'unknown';
    for (let index = 0; index < names.length; index++) {
      let text: string;
      try {
        text = decodeURIComponent(match[index + 1]);
      } catch {
        return 'unknown';
      }
      stated[names[index]] = text;
    }
  }
  let answer: Spelling = 'same';
  for (const name of spellingParams(def, list)) {
    const client = routeValues[name];
    if (client === undefined || stated[name] === undefined) return 'unknown';
    if (stated[name] === client) continue;
    if (stated[name].toLowerCase() !== client.toLowerCase()) return 'unknown';
    answer = 'differs';
  }
  return answer;
}
