/**
 * Our own small, typed OData expression tree. The parsers in `parse/` (`parse-filter.ts` for expressions) build these
 * shapes straight from the URL text; no third-party OData parser runs in the gateway (why: `parse-filter.ts`).
 * (OData 4.01 Part 2: URL Conventions, §5.1.1 Built-in Filter Operations and §5.1.1.4-11 functions.)
 */

/** Edm primitive types the gateway uses. */
export type EdmType =
  | 'Edm.String'
  | 'Edm.Int32'
  | 'Edm.Int64'
  | 'Edm.Double'
  | 'Edm.Decimal'
  | 'Edm.Boolean'
  | 'Edm.DateTimeOffset'
  | 'Edm.Date'
  | 'Edm.Guid'
  | 'Edm.TimeOfDay'
  | 'Edm.Duration';

/** A literal's runtime value: DateTimeOffset values stay ISO strings with their literal type alongside. */
export type LiteralValue = string | number | boolean | null;

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type ArithmeticOperator = 'add' | 'sub' | 'mul' | 'div' | 'divby' | 'mod';

export type FunctionName =
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 'tolower'
  | 'toupper'
  | 'length'
  | 'trim'
  | 'concat'
  | 'indexof'
  | 'substring'
  | 'year'
  | 'month'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second'
  | 'fractionalseconds'
  | 'date'
  | 'time'
  | 'now'
  | 'round'
  | 'floor'
  | 'ceiling';

export type Expr =
  | { kind: 'literal'; type: EdmType | 'null'; value: LiteralValue }
  /** A property of the current entity, by its OData name (single segment: our entities are flat). */
  | { kind: 'property'; name: string }
  /**
   * A member path such as `Repository/Language` (OData 4.01 Part 2 §5.1.1.15, ABNF `memberExpr`). The parser keeps
   * it so that validation, which knows the navigation properties, can answer what it is: 501 through a navigation
   * property, 400 after a structural one. It is never evaluated.
   */
  | { kind: 'path'; segments: string[] }
  | { kind: 'compare'; op: ComparisonOperator; left: Expr; right: Expr }
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'negate'; operand: Expr }
  | { kind: 'arith'; op: ArithmeticOperator; left: Expr; right: Expr }
  /** `Prop in ('a','b')` (OData 4.01 §5.1.1.1.10). */
  | { kind: 'in'; operand: Expr; list: Expr[] }
  | { kind: 'call'; name: FunctionName; args: Expr[] };

export interface OrderByItem {
  property: string;
  direction: 'asc' | 'desc';
}

/** The system query options of one request, parsed; limits and property names are checked by the validator. */
export interface ODataQuery {
  filter?: Expr;
  orderby: OrderByItem[];
  /** undefined = all properties; otherwise the selected property names in request order. */
  select?: string[];
  top?: number;
  skip?: number;
  /** `$count=true` */
  count: boolean;
  /** `$search` as free text (already unquoted). */
  search?: string;
  skiptoken?: string;
  /** `$format` as given (e.g. `json`, `application/json;odata.metadata=full`); the serializer negotiates it. */
  format?: string;
  /** `$expand`, one level deep, in request order (OData 4.01 Part 2 §5.1.3); undefined when absent. */
  expand?: ExpandItem[];
}

/**
 * The options allowed inside one `$expand` item's parentheses (Part 2 §5.1.3: `expandOption`). Nested `$expand`,
 * `$levels`, `$search` and `$ref` are refused by the parser, so this is the whole of what an expansion can say.
 */
export type ExpandOptions = Pick<ODataQuery, 'filter' | 'orderby' | 'select' | 'top' | 'skip' | 'count'>;

/** One navigation property to expand, e.g. `Repository($select=Name)` → { navigation: 'Repository', options }. */
export interface ExpandItem {
  navigation: string;
  options: ExpandOptions;
}

/** A key predicate, e.g. `(Workspace='w',RepositorySlug='r',Id=5)` → { Workspace: 'w', RepositorySlug: 'r', Id: 5 }. */
export type KeyValues = Record<string, LiteralValue>;

/** The resource path after the service root, e.g. `Repositories(Workspace='w',Slug='r')/PullRequests/$count`. */
export type ResourcePath =
  | { kind: 'service-document' }
  | { kind: 'metadata' }
  | { kind: 'batch' }
  | {
      kind: 'entity-set';
      entitySet: string;
      /** Key predicate on the entity set, when addressed by key. */
      key?: KeyValues;
      /** A navigation property followed from the keyed entity, optionally keyed itself. */
      navigation?: { property: string; key?: KeyValues };
      /** `/PropertyName` or `/PropertyName/$value` after a single entity. */
      property?: { name: string; value: boolean };
      /** `/$count` after a collection. */
      count: boolean;
      /** `/Namespace.Action` bound action after a single entity. */
      action?: string;
    }
  | { kind: 'singleton'; name: string; property?: { name: string; value: boolean } };

/** One entity as the OData layer sees it: flat, keyed by OData property name. DateTimeOffset values are ISO strings. */
export type Row = Record<string, LiteralValue>;
