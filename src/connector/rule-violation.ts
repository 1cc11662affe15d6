/** One broken rule of a generated connector file, as the checkers (check-connector-rules, check-api-properties) report it. */
export interface RuleViolation {
  /** The client-rules id the violation breaks (CC-07, OA-03 …), when it has one. */
  rule?: string;
  /** JSON-pointer-like location, e.g. `paths./Repositories.get.parameters.$filter`. */
  at: string;
  message: string;
}
