/**
 * An error the sandbox answers in Bitbucket's error envelope (REST intro, "Standardized error responses"):
 * `{"type":"error","error":{"message", "detail"?, "fields"?, "data"?}}`.
 */
export interface BitbucketErrorBody {
  type: 'error';
  error: { message: string; detail?: string; fields?: Record<string, string[]>; data?: Record<string, unknown> };
  data?: Record<string, unknown>;
}

export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { detail?: string; fields?: Record<string, string[]>; data?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'SandboxHttpError';
  }

  toBody(): BitbucketErrorBody {
    const { detail, fields, data } = this.extra;
    return {
      type: 'error',
      error: { message: this.message, ...(detail ? { detail } : {}), ...(fields ? { fields } : {}), ...(data ? { data } : {}) },
      ...(data ? { data } : {}),
    };
  }
}
