import { SandboxHttpError } from '../bitbucket-error';

/** Bitbucket's (Django's) wording for a missing field, as its validation errors show it. */
export const REQUIRED = 'This field is required.';

type Json = Record<string, unknown>;

/**
 * Reads a JSON request body by dotted paths (`source.branch.name`) and collects every problem per field, so one
 * answer lists them all: 400 `{"type":"error","error":{"message":"title: This field is required.","fields":{...}}}`,
 * Bitbucket's shape for POST/PUT validation errors (REST intro, "Standardized error responses"). Properties the
 * route does not read are ignored, as Bitbucket ignores them.
 */
export class BodyReader {
  private readonly errors: Record<string, string[]> = {};

  constructor(readonly json: Json) {}

  /** Whether the body names the path at all (`null` counts: it means "clear this"). */
  has(path: string): boolean {
    return this.lookup(path).present;
  }

  raw(path: string): unknown {
    return this.lookup(path).value;
  }

  string(path: string, options: { required?: boolean; nonEmpty?: boolean; maxLength?: number; nullable?: boolean } = {}): string | undefined {
    const { present, value } = this.lookup(path);
    if (!present || (value === null && options.nullable)) {
      if (options.required) this.fail(path, REQUIRED);
      return undefined;
    }
    if (typeof value !== 'string') return this.wrongType(path, 'a string');
    if ((options.nonEmpty || options.required) && value.trim() === '') return this.fail(path, REQUIRED);
    if (options.maxLength !== undefined && value.length > options.maxLength) return this.fail(path, `Ensure this value has at most ${options.maxLength} characters (it has ${value.length}).`);
    return value;
  }

  boolean(path: string): boolean | undefined {
    const { present, value } = this.lookup(path);
    if (!present) return undefined;
    if (typeof value !== 'boolean') return this.wrongType(path, 'true or false');
    return value;
  }

  integer(path: string, options: { required?: boolean; min?: number } = {}): number | undefined {
    const { present, value } = this.lookup(path);
    if (!present || value === null) {
      if (options.required) this.fail(path, REQUIRED);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.wrongType(path, 'an integer');
    if (options.min !== undefined && value < options.min) return this.fail(path, `Ensure this value is at least ${options.min}.`);
    return value;
  }

  oneOf<T extends string>(path: string, allowed: readonly T[]): T | undefined {
    const value = this.string(path);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) return this.fail(path, `"${value}" is not a valid choice; use one of ${allowed.join(', ')}.`);
    return value as T;
  }

  /** An array whose items the caller checks; `undefined` when absent. */
  array(path: string, options: { required?: boolean } = {}): unknown[] | undefined {
    const { present, value } = this.lookup(path);
    if (!present || value === null) {
      if (options.required) this.fail(path, REQUIRED);
      return undefined;
    }
    if (!Array.isArray(value)) return this.wrongType(path, 'a list');
    return value;
  }

  fail(path: string, message: string): undefined {
    (this.errors[path] ??= []).push(message);
    return undefined;
  }

  get failed(): boolean {
    return Object.keys(this.errors).length > 0;
  }

  /** Throws the collected problems as one 400; call once every field has been read. */
  finish(): void {
    if (!this.failed) return;
    throw validationError(this.errors);
  }

  private wrongType(path: string, expected: string): undefined {
    return this.fail(path, `Expected ${expected}.`);
  }

  private lookup(path: string): { present: boolean; value: unknown } {
    let current: unknown = this.json;
    for (const segment of path.split('.')) {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, segment)) return { present: false, value: undefined };
      current = (current as Json)[segment];
    }
    return { present: true, value: current };
  }
}

/**
 * A 400 naming each field and what is wrong with it. The message joins the fields as Bitbucket words a single one
 * (`reviewers: Malformed reviewers list`, seen in MistyKuu/bitbucket-for-visual-studio issue #110).
 */
export function validationError(fields: Record<string, string[]>): SandboxHttpError {
  const message = Object.entries(fields).map(([field, problems]) => `${field}: ${problems.join(' ')}`).join('; ');
  return new SandboxHttpError(400, message, { fields });
}

/** One field's problem, thrown at once (a conflict found after the body was read). */
export function fieldError(field: string, message: string): SandboxHttpError {
  return validationError({ [field]: [message] });
}
