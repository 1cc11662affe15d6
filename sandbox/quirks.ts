/**
 * Named deviations of real Bitbucket Cloud from its documentation, which the sandbox reproduces on request so the
 * gateway can be tested against them. Off by default: the sandbox then behaves like a well-behaved Bitbucket.
 * Each quirk cites the row of the evidence table it reproduces (sandbox/README.md, "Quirks").
 */
export interface QuirkDescription {
  /**
   * The row of the evidence table (sandbox/README.md, "Quirks") this quirk reproduces; `official` where Bitbucket's
   * own description states the behaviour and the sandbox's default simplifies it.
   */
  evidenceRow: number | 'official';
  does: string;
}

export const QUIRKS = {
  // BCLOUD-20639, community 2020-21.
  'pipelines-without-next': { evidenceRow: 1, does: 'the pipelines list has page, pagelen, size and values but no next/previous, even when more pages exist; page=N still works' },
  // `size` is optional (official); branches/tags moved to page codes in 2018; the others are unverified.
  'lists-without-size': { evidenceRow: 2, does: 'no size on branches, tags, refs, workspace members, /user/workspaces, hooks and pull request comments' },
  'no-size-anywhere': { evidenceRow: 2, does: 'no size on any list (beyond the evidence: repositories and pipelines are reported to have it)' },
  // Community 2019/2021/2023.
  'rate-limit-without-retry-after': { evidenceRow: 18, does: '429 answers carry no Retry-After' },
  // BCLOUD-22709: an unsupported field can be a 500.
  'bbql-500-on-unverified-fields': { evidenceRow: 12, does: 'q naming pull request comment_count/task_count, tag target.hash or repository full_name/created_on answers 500' },
  // pingdotgg/t3code#6290 (API token), backstage/backstage#22383 (OAuth).
  'forbidden-detail-object': { evidenceRow: 19, does: 'every 403 has an object-shaped error.detail, {"required": [...], "granted": [...]}' },
  // "milliseconds ... optional" (official filtering docs): precision beyond milliseconds is not promised.
  'bbql-millisecond-dates': { evidenceRow: 5, does: 'q datetime literals lose their sub-millisecond digits before comparing' },
  // Official description of GET .../pullrequests/{id}/diffstat: "Redirects to the repository diffstat" (302); the
  // target's shape is a pull request's links.diffstat in a recorded answer (Speakweb/dashboar test fixture).
  'pull-request-diffstat-redirect': {
    evidenceRow: 'official',
    does: 'GET .../pullrequests/{id}/diffstat answers 302 to .../diffstat/{workspace}/{repo}:{source}%0D{destination}?from_pullrequest_id={id}, which serves the list',
  },
} as const satisfies Record<string, QuirkDescription>;

export type Quirk = keyof typeof QUIRKS;

/** Every quirk the sandbox knows, in documentation order. */
export const ALL_QUIRKS: readonly Quirk[] = Object.keys(QUIRKS) as Quirk[];

/**
 * `SANDBOX_PROFILE=realistic`: what the evidence says real Bitbucket does or may do. `no-size-anywhere` is left out:
 * `size` is reported present on repositories and pipelines, so dropping it there goes beyond the evidence.
 */
export const REALISTIC_QUIRKS: readonly Quirk[] = ALL_QUIRKS.filter((quirk) => quirk !== 'no-size-anywhere');

export const PROFILES = { ideal: [] as readonly Quirk[], realistic: REALISTIC_QUIRKS } as const;
export type Profile = keyof typeof PROFILES;

export function isQuirk(name: string): name is Quirk {
  return Object.hasOwn(QUIRKS, name);
}

/** A profile name and a list of quirk names → the quirks, or every problem in one message that lists the valid names. */
export function resolveQuirks(profile: string | undefined, names: readonly string[], source: { profile: string; quirks: string }): Quirk[] {
  const problems: string[] = [];
  const chosen = new Set<Quirk>();
  if (profile !== undefined && profile !== '') {
    if (Object.hasOwn(PROFILES, profile)) PROFILES[profile as Profile].forEach((quirk) => chosen.add(quirk));
    else problems.push(`${source.profile}=${profile} must be one of: ${Object.keys(PROFILES).join(', ')}`);
  }
  for (const name of names) {
    if (isQuirk(name)) chosen.add(name);
    else problems.push(`${source.quirks}: unknown quirk "${name}"; valid quirks are: ${ALL_QUIRKS.join(', ')}`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return ALL_QUIRKS.filter((quirk) => chosen.has(quirk));
}

/** `SANDBOX_PROFILE` (ideal | realistic) and `SANDBOX_QUIRKS` (comma-separated names) together: their union. */
export function quirksFromEnv(env: Record<string, string | undefined>): Quirk[] {
  const names = (env.SANDBOX_QUIRKS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  return resolveQuirks(env.SANDBOX_PROFILE?.trim(), names, { profile: 'SANDBOX_PROFILE', quirks: 'SANDBOX_QUIRKS' });
}

/**
 * The quirks in force on one sandbox instance: the start options, changed at run time through `/_sandbox/quirks`
 * and restored by `/_sandbox/reset`. Per instance, like all of an instance's state (sandbox-state.ts), so that two
 * sandboxes in one test process, one ideal and one realistic, do not leak into each other.
 */
export class QuirkState {
  private active: Set<Quirk>;

  constructor(private readonly initial: readonly Quirk[] = []) {
    this.active = new Set(initial);
  }

  has(quirk: Quirk): boolean {
    return this.active.has(quirk);
  }

  list(): Quirk[] {
    return ALL_QUIRKS.filter((quirk) => this.active.has(quirk));
  }

  set(quirks: readonly Quirk[]): Quirk[] {
    this.active = new Set(quirks);
    return this.list();
  }

  reset(): Quirk[] {
    return this.set(this.initial);
  }
}

/** No quirks: what a route or middleware sees when it was built without a sandbox instance (unit-test apps). */
export const NO_QUIRKS: Pick<QuirkState, 'has'> = { has: () => false };
