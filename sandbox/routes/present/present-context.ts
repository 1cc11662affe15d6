import type { SandboxStore } from '../../store/sandbox-store';

/** Where absolute links point: the public origin (`http://127.0.0.1:PORT`) serves `/2.0` and stands in for the web UI. */
export interface PresentContext {
  store: SandboxStore;
  origin: string;
}

export interface Link { href: string }

/** Encodes each segment but keeps `/` inside names such as `feature/login`, as Bitbucket's own links do. */
const encodePath = (path: string): string => path.split('/').map((s) => encodeURIComponent(s)).join('/');

export const apiLink = (ctx: PresentContext, path: string): Link => ({ href: `${ctx.origin}/2.0${encodePath(path)}` });
export const webLink = (ctx: PresentContext, path: string): Link => ({ href: `${ctx.origin}${encodePath(path)}` });
