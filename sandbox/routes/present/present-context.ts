import type { SandboxStore } from '../../store/sandbox-store';

/** Where absolute links point: the public origin (`http://127.0.0.1:PORT`) serves `/2.0` and stands in for the web UI. */
export interface PresentContext {
  store: SandboxStore;
  origin: string;
}

export interface Link { href: string }

/**
 * The characters `encodeURIComponent` escapes, and `/`, which stays. Escaping each run of them gives what encoding
 * each `/`-separated segment gives (the escape is per character; a surrogate pair is never split, both halves are in
 * the class), without splitting and joining every link: a list page builds dozens of links per record, and this was
 * the sandbox's largest cost per call in the fan-out bench (bench/run.ts) profile.
 */
const ESCAPED_RUN = /[^A-Za-z0-9\-_.!~*'()/]+/g;

/** Encodes each segment but keeps `/` inside names such as `feature/login`, as Bitbucket's own links do. */
export const encodePath = (path: string): string => path.replace(ESCAPED_RUN, (run) => encodeURIComponent(run));

export const apiLink = (ctx: PresentContext, path: string): Link => ({ href: `${ctx.origin}/2.0${encodePath(path)}` });
export const webLink = (ctx: PresentContext, path: string): Link => ({ href: `${ctx.origin}${encodePath(path)}` });
