/** Minimal typings for the OASIS converters used by the specs (the packages ship JavaScript only). */
declare module 'odata-csdl' {
  export function xml2json(
    xml: string,
    options?: { lineNumbers?: boolean; annotations?: boolean; strict?: boolean; messages?: unknown[] },
  ): Record<string, unknown>;
}

declare module 'odata-openapi' {
  export function csdl2openapi(
    csdl: Record<string, unknown>,
    options?: {
      scheme?: string;
      host?: string;
      basePath?: string;
      openapiVersion?: string;
      messages?: unknown[];
      skipBatchPath?: boolean;
    },
  ): { openapi: string; paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> };
}
