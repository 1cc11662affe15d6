/**
 * The `X-Upstream-Plan` header (the gateway's src/plan/describe-plan.ts, sent when a request has `X-Explain: 1`)
 * read back and put into sentences. Pure: no DOM, so specs can import it.
 */

export interface PlanDescription {
  entitySet: string;
  route: 'list' | 'get';
  path: string;
  fixed: Record<string, string[]>;
  fanOut: string[];
  q?: string;
  qExact: boolean;
  sort?: string;
  fields?: string;
  evaluatedHere: string[];
}

function isPlan(value: unknown): value is PlanDescription {
  if (typeof value !== 'object' || value === null) return false;
  const plan = value as Record<string, unknown>;
  return typeof plan.entitySet === 'string' && typeof plan.path === 'string' && Array.isArray(plan.fanOut) && Array.isArray(plan.evaluatedHere);
}

/** The plans of a header value; an absent or unreadable header is no plans (the view then says it has none). */
export function parsePlanHeader(header: string | null): PlanDescription[] {
  if (!header) return [];
  try {
    const parsed: unknown = JSON.parse(header);
    return Array.isArray(parsed) ? parsed.filter(isPlan) : [];
  } catch {
    return [];
  }
}

export interface PlanWords {
  title: string;
  /** What went to Bitbucket. */
  upstream: string[];
  /** What the gateway did itself. */
  here: string[];
}

export function planInWords(plan: PlanDescription): PlanWords {
  const upstream = [`GET ${plan.path} (${plan.route === 'get' ? 'one entity by its key' : 'a list'})`];
  for (const [name, values] of Object.entries(plan.fixed)) {
    if (values.length > 1) upstream.push(`${name}: one read for each of ${values.join(', ')}`);
  }
  if (plan.fanOut.length > 0) upstream.push(`${plan.fanOut.join(', ')} not given: read for every one you can see (a fan-out)`);
  upstream.push(plan.q !== undefined ? `q=${plan.q} (${plan.qExact ? 'exact' : 'narrows only'})` : 'no q: Bitbucket filters nothing');
  upstream.push(plan.sort !== undefined ? `sort=${plan.sort}` : 'no sort');
  upstream.push(plan.fields !== undefined ? `fields=${plan.fields}` : 'no fields: Bitbucket\'s full representation');
  return { title: plan.entitySet, upstream, here: plan.evaluatedHere.length > 0 ? plan.evaluatedHere : ['nothing beyond shaping the rows'] };
}
