import { useMemo, useState } from 'preact/hooks';
import { ApiError, getJson } from './api';
import { CopyButton } from './copy-button';
import type { EntitySetInfo } from './odata-model';
import { parsePlanHeader, planInWords, type PlanDescription } from './plan-words';
import { OPERATOR_LABELS, odataUrl, operatorsFor, type Condition, type ExploreQuery, type Operator } from './query';

type Row = Record<string, unknown>;

interface Outcome {
  url: string;
  rows: Row[];
  count?: number;
  upstreamRequests: string | null;
  plans: PlanDescription[];
  /** Bitbucket's rate-limit headers, when the answer carries any. */
  rateLimit: Array<[string, string]>;
  more: boolean;
}

function freshQuery(set: EntitySetInfo | undefined): ExploreQuery {
  return { entitySet: set?.name ?? '', select: [], conditions: [], count: false, top: 20 };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function Explore({ sets, serviceRoot }: { sets: EntitySetInfo[]; serviceRoot: string }) {
  const [query, setQuery] = useState<ExploreQuery>(() => freshQuery(sets.find((set) => set.name === 'PullRequests') ?? sets[0]));
  const [typed, setTyped] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [problem, setProblem] = useState<ApiError | undefined>();
  const [running, setRunning] = useState(false);
  const set = sets.find((candidate) => candidate.name === query.entitySet);
  const columns = set?.columns ?? [];

  const built = useMemo(() => {
    try {
      return { url: odataUrl(serviceRoot, typed ? query : { ...query, filterText: undefined }, columns) };
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
  }, [query, typed, columns, serviceRoot]);

  const update = (change: Partial<ExploreQuery>) => setQuery((current) => ({ ...current, ...change }));
  const updateCondition = (index: number, change: Partial<Condition>) =>
    update({ conditions: query.conditions.map((condition, at) => (at === index ? { ...condition, ...change } : condition)) });

  const run = async (event: Event) => {
    event.preventDefault();
    if (!built.url) return;
    setRunning(true);
    setProblem(undefined);
    try {
      const answer = await getJson<{ value?: Row[]; '@odata.count'?: number; '@odata.nextLink'?: string }>(built.url, { 'X-Explain': '1' });
      const rateLimit: Array<[string, string]> = [];
      answer.headers.forEach((value, name) => {
        // Bitbucket's own budget headers when it sends them, and the gateway's count for this caller (X-Budget-*).
        const lower = name.toLowerCase();
        if (lower.startsWith('x-ratelimit-') || lower.startsWith('x-budget-')) rateLimit.push([name, value]);
      });
      setOutcome({
        url: built.url,
        rows: answer.body.value ?? [],
        count: answer.body['@odata.count'],
        upstreamRequests: answer.headers.get('X-Upstream-Requests'),
        plans: parsePlanHeader(answer.headers.get('X-Upstream-Plan')),
        rateLimit,
        more: answer.body['@odata.nextLink'] !== undefined,
      });
    } catch (error) {
      setOutcome(undefined);
      setProblem(error instanceof ApiError ? error : new ApiError(0, String(error)));
    } finally {
      setRunning(false);
    }
  };

  const shownColumns = outcome
    ? query.select.length > 0 && outcome.url === built.url
      ? query.select
      : [...new Set(outcome.rows.flatMap((row) => Object.keys(row)))].filter((name) => !name.includes('@'))
    : [];

  return (
    <section aria-labelledby="explore-heading" class="panel">
      <h2 id="explore-heading">Explore</h2>
      <form onSubmit={run} class="explore-form">
        <div class="field">
          <label for="entity-set">Entity set</label>
          <select
            id="entity-set"
            value={query.entitySet}
            onChange={(event) => {
              setQuery(freshQuery(sets.find((candidate) => candidate.name === event.currentTarget.value)));
              setOutcome(undefined);
            }}
          >
            {sets.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </select>
          {set?.description ? <p class="hint">{set.description}</p> : null}
        </div>

        <fieldset class="columns">
          <legend>Columns (none ticked: all)</legend>
          <div class="column-list">
            {columns.map((column) => (
              <label key={column.name} class="check" title={column.description}>
                <input
                  type="checkbox"
                  checked={query.select.includes(column.name)}
                  onChange={(event) =>
                    update({ select: event.currentTarget.checked ? [...query.select, column.name] : query.select.filter((name) => name !== column.name) })
                  }
                />
                {column.name}
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend>Filter</legend>
          <label class="check">
            <input type="checkbox" checked={typed} onChange={(event) => setTyped(event.currentTarget.checked)} />
            Type the $filter in OData instead
          </label>
          {typed ? (
            <div class="field">
              <label for="filter-text">$filter</label>
              <input
                id="filter-text"
                value={query.filterText ?? ''}
                placeholder="State eq 'OPEN' and CreatedOn ge 2024-01-01T00:00:00Z"
                onInput={(event) => update({ filterText: event.currentTarget.value })}
              />
            </div>
          ) : (
            <>
              {query.conditions.map((condition, index) => {
                const column = columns.find((candidate) => candidate.name === condition.property);
                const operators = operatorsFor(column?.type ?? 'Edm.String');
                return (
                  <div class="condition" key={index} role="group" aria-label={`Condition ${index + 1}`}>
                    <label for={`cond-prop-${index}`} class="sr-only">
                      Property of condition {index + 1}
                    </label>
                    <select
                      id={`cond-prop-${index}`}
                      value={condition.property}
                      onChange={(event) => {
                        const next = columns.find((candidate) => candidate.name === event.currentTarget.value);
                        const allowed = operatorsFor(next?.type ?? 'Edm.String');
                        updateCondition(index, { property: event.currentTarget.value, operator: allowed.includes(condition.operator) ? condition.operator : 'eq' });
                      }}
                    >
                      {columns.map((candidate) => (
                        <option key={candidate.name} value={candidate.name}>
                          {candidate.name}
                        </option>
                      ))}
                    </select>
                    <label for={`cond-op-${index}`} class="sr-only">
                      Operator of condition {index + 1}
                    </label>
                    <select id={`cond-op-${index}`} value={condition.operator} onChange={(event) => updateCondition(index, { operator: event.currentTarget.value as Operator })}>
                      {operators.map((operator) => (
                        <option key={operator} value={operator}>
                          {OPERATOR_LABELS[operator]}
                        </option>
                      ))}
                    </select>
                    <label for={`cond-value-${index}`} class="sr-only">
                      Value of condition {index + 1}
                    </label>
                    <input
                      id={`cond-value-${index}`}
                      value={condition.value}
                      placeholder={column?.type.replace('Edm.', '')}
                      onInput={(event) => updateCondition(index, { value: event.currentTarget.value })}
                    />
                    <button type="button" class="secondary" aria-label={`Remove condition ${index + 1}`} onClick={() => update({ conditions: query.conditions.filter((_c, at) => at !== index) })}>
                      Remove
                    </button>
                  </div>
                );
              })}
              <button
                type="button"
                class="secondary"
                disabled={columns.length === 0}
                onClick={() => update({ conditions: [...query.conditions, { property: columns[0]?.name ?? '', operator: 'eq', value: '' }] })}
              >
                Add a condition
              </button>
            </>
          )}
        </fieldset>

        <div class="inline-fields">
          <div class="field">
            <label for="order-by">Order by</label>
            <select
              id="order-by"
              value={query.orderBy?.property ?? ''}
              onChange={(event) => {
                const property = event.currentTarget.value;
                update({ orderBy: property ? { property, direction: query.orderBy?.direction ?? 'asc' } : undefined });
              }}
            >
              <option value="">(the default order)</option>
              {columns.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="order-direction">Direction</label>
            <select
              id="order-direction"
              disabled={!query.orderBy}
              value={query.orderBy?.direction ?? 'asc'}
              onChange={(event) => query.orderBy && update({ orderBy: { ...query.orderBy, direction: event.currentTarget.value as 'asc' | 'desc' } })}
            >
              <option value="asc">ascending</option>
              <option value="desc">descending</option>
            </select>
          </div>
          <div class="field">
            <label for="top">Top (rows)</label>
            <input
              id="top"
              type="number"
              min={0}
              max={1000}
              value={query.top ?? ''}
              onInput={(event) => {
                const text = event.currentTarget.value;
                update({ top: text === '' ? undefined : Math.max(0, Math.floor(Number(text))) });
              }}
            />
          </div>
          <label class="check">
            <input type="checkbox" checked={query.count} onChange={(event) => update({ count: event.currentTarget.checked })} />
            Count all matching rows
          </label>
        </div>

        <div class="field">
          <label for="odata-url">OData URL</label>
          <div class="row">
            <input id="odata-url" readOnly value={built.url ?? ''} data-testid="odata-url" onFocus={(event) => event.currentTarget.select()} />
            {built.url ? <CopyButton text={built.url} label="Copy the OData URL" /> : null}
          </div>
          {built.problem ? (
            <p role="alert" class="error">
              {built.problem}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={!built.url || running}>
          {running ? 'Running…' : 'Run query'}
        </button>
      </form>

      {problem ? (
        <div role="alert" class="error" data-testid="query-error">
          <p>
            <strong>{problem.status > 0 ? `${problem.status}${problem.code ? ` ${problem.code}` : ''}` : 'No answer'}</strong>: {problem.message}
          </p>
          {problem.details.length > 0 ? (
            <ul>
              {problem.details.map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {outcome ? (
        <div class="outcome" aria-live="polite">
          <p class="summary" data-testid="summary">
            <span data-testid="row-count">
              {outcome.rows.length} {outcome.rows.length === 1 ? 'row' : 'rows'}
              {outcome.more ? ' (more on the next page)' : ''}
            </span>
            {outcome.count !== undefined ? <span data-testid="odata-count">{outcome.count} match in all</span> : null}
            <span data-testid="upstream-requests">
              Bitbucket calls (X-Upstream-Requests): <strong>{outcome.upstreamRequests ?? 'not reported'}</strong>
            </span>
            {outcome.rateLimit.map(([name, value]) => (
              <span key={name} data-testid="rate-limit">
                {name}: {value}
              </span>
            ))}
          </p>
          <details class="plan" open data-testid="plan">
            <summary>What went to Bitbucket, and what was done here</summary>
            {outcome.plans.length === 0 ? <p>The gateway sent no plan for this answer.</p> : null}
            {outcome.plans.map((plan, index) => {
              const words = planInWords(plan);
              return (
                <div key={index} class="plan-step">
                  <h3>{words.title}</h3>
                  <p>Sent to Bitbucket:</p>
                  <ul>
                    {words.upstream.map((line) => (
                      <li key={line}>
                        <code>{line}</code>
                      </li>
                    ))}
                  </ul>
                  <p>Done here:</p>
                  <ul>
                    {words.here.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </details>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Rows">
            <table data-testid="rows">
              <caption class="sr-only">Rows of {query.entitySet}</caption>
              <thead>
                <tr>
                  {shownColumns.map((name) => (
                    <th key={name} scope="col">
                      {name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {outcome.rows.map((row, index) => (
                  <tr key={index}>
                    {shownColumns.map((name) => (
                      <td key={name}>{cell(row[name])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
