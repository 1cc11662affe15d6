/**
 * An error the sandbox answers in Bitbucket's error envelope (REST intro, "Standardized error responses"):
 * `{"type":"error","error":{"message", "detail"?, "fields"?, "data"?}}`. The official description types `detail` as a
 * string; real 403s carry an object instead (see `refusal` and the `forbidden-detail-object` quirk).
 */
export interface BitbucketErrorBody {
  type: 'error';
  error: { message: string; detail?: string | Record<string, unknown>; fields?: Record<string, string[]>; data?: Record<string, unknown> };
  data?: Record<string, unknown>;
}

/**
 * What a refused (403) request lacked and what it had. Bitbucket sends it as `error.detail` for scope refusals:
 * `{"required": ["read:user:bitbucket"], "granted": ["read:repository:bitbucket", ...]}` (pingdotgg/t3code#6290,
 * 2026-08) and `{"required": ["account"], "granted": ["team"]}` (backstage/backstage#22383, OAuth).
 */
export interface Refusal {
  required: string[];
  granted: string[];
}

export interface ErrorBodyOptions {
  /**
   * Quirk `forbidden-detail-object`: a 403's `detail` becomes an object, its `refusal` or, for 403s that are not
   * about permissions (a non-empty project), `{"reason": <the string detail or the message>}`.
   */
  objectDetail?: boolean;
}

export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { detail?: string; fields?: Record<string, string[]>; data?: Record<string, unknown>; headers?: Record<string, string>; refusal?: Refusal } = {},
  ) {
    super(message);
    this.name = 'SandboxHttpError';
  }

  toBody(options: ErrorBodyOptions = {}): BitbucketErrorBody {
    const { fields, data, refusal } = this.extra;
    const detail = options.objectDetail && this.status === 403
      ? (refusal ? { required: [...refusal.required], granted: [...refusal.granted] } : { reason: this.extra.detail ?? this.message })
      : this.extra.detail;
    return {
      type: 'error',
      error: { message: this.message, ...(detail ? { detail } : {}), ...(fields ? { fields } : {}), ...(data ? { data } : {}) },
      ...(data ? { data } : {}),
    };
  }
}
