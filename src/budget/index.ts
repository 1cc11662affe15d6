/** The budget per upstream principal (issue #14): see principal-budget.ts. */
export { PrincipalBudget, type BudgetReport, type BudgetSettings, type PrincipalBudgetOptions } from './principal-budget';
export { BudgetRefusal, type BudgetRefusalReason } from './budget-refusal';
export { budgetMetrics, upstreamBudgetMetrics, type UpstreamBudgetFigures } from './budget-metrics';
export type { UpstreamPrincipal } from './upstream-principal';
