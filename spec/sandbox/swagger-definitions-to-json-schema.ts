/**
 * Turns the `definitions` of Bitbucket's official Swagger 2.0 description into one JSON Schema (draft-07) that ajv
 * compiles, so sandbox bodies can be checked against Bitbucket's own types. The description is used unaltered except
 * for these documented conversions of its known problems; none of them relaxes what our data must satisfy beyond
 * what Bitbucket itself sends:
 *
 * 1. Discriminator dispatch. Swagger's `discriminator: "type"` on `object` means "validate against the definition
 *    named by the value of `type`". JSON Schema has no such keyword, so every definition D that others extend
 *    (through `allOf: [{$ref: D}]`) becomes `D = D__base AND (if type = S then S)` for each definition S that
 *    extends D, directly or not, and every `allOf` parent reference points at `D__base` (otherwise D → S → D loops).
 *    This makes validation STRICTER: a body typed `"user"` in an `account` position is checked as a `user`.
 * 2. Nullability. Swagger 2.0 cannot say "nullable", yet Bitbucket sends `null` for some properties (an open pull
 *    request's `merge_commit` and `closed_by`; a participant's `state`, whose enum even lists null; a lightweight
 *    tag's `message`/`date`/`tagger`; a status's `refname`). Exactly those properties accept null (NULLABLE below).
 * 3. Links sections of pipelines (`pipelines_pipeline_links`, `pipelines_links_section_href`) extend `object`, which
 *    requires `type`, but Bitbucket's pipeline links carry no `type` (they are plain `{self: {href}}`): the
 *    `object` base is dropped from those two definitions only.
 * 4. Swagger-only keywords (`discriminator`, `x-*`) are removed; ajv runs non-strict for annotation keywords.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

export const NULLABLE: ReadonlyArray<readonly [definition: string, property: string]> = [
  ['pullrequest', 'merge_commit'],
  ['pullrequest', 'closed_by'],
  ['participant', 'state'],
  ['participant', 'participated_on'],
  ['tag', 'message'],
  ['tag', 'date'],
  ['tag', 'tagger'],
  ['commitstatus', 'refname'],
];

const TYPELESS_LINK_SECTIONS = ['pipelines_pipeline_links', 'pipelines_links_section_href'];

const REF_PREFIX = '#/definitions/';

function stripSwaggerKeywords(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripSwaggerKeywords);
  if (value === null || typeof value !== 'object') return value;
  const out: Schema = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'discriminator' || key.startsWith('x-')) continue;
    // `properties` maps names to schemas: a property may be called `discriminator` or `x-foo`, keep those.
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(child as Schema).map(([k, v]) => [k, stripSwaggerKeywords(v)])) : stripSwaggerKeywords(child);
  }
  return out;
}

/** The definitions D's `allOf` extends directly. */
function parentsOf(schema: Schema): string[] {
  const allOf = schema.allOf;
  if (!Array.isArray(allOf)) return [];
  return allOf.flatMap((part) => {
    const ref = (part as Schema | null)?.$ref;
    return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? [ref.slice(REF_PREFIX.length)] : [];
  });
}

export function definitionsToJsonSchema(definitions: Record<string, Json>): { definitions: Record<string, Schema> } {
  const defs: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(definitions)) defs[name] = stripSwaggerKeywords(schema) as Schema;

  // (3) typeless link sections.
  for (const name of TYPELESS_LINK_SECTIONS) {
    const allOf = defs[name].allOf as Json[];
    defs[name] = { ...defs[name], allOf: allOf.filter((part) => (part as Schema).$ref !== `${REF_PREFIX}object`) };
  }

  // (2) nullable properties: the property's schema sits in the definition itself or in one of its allOf parts.
  for (const [definition, property] of NULLABLE) {
    const parts = [defs[definition], ...((defs[definition].allOf as Schema[] | undefined) ?? [])];
    const holder = parts.find((part) => (part.properties as Schema | undefined)?.[property] !== undefined);
    if (!holder) throw new Error(`NULLABLE names ${definition}.${property}, which the description does not have`);
    const properties = holder.properties as Schema;
    const original = { ...(properties[property] as Schema) };
    if (Array.isArray(original.enum)) original.enum = original.enum.filter((v) => v !== null);
    properties[property] = { anyOf: [{ type: 'null' }, original] };
  }

  // (1) discriminator dispatch.
  const parents = new Map(Object.entries(defs).map(([name, schema]) => [name, parentsOf(schema)]));
  const descendants = new Map<string, Set<string>>();
  for (const name of parents.keys()) {
    const stack = [...(parents.get(name) ?? [])];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const ancestor = stack.pop()!;
      if (seen.has(ancestor)) continue;
      seen.add(ancestor);
      if (!descendants.has(ancestor)) descendants.set(ancestor, new Set());
      descendants.get(ancestor)!.add(name);
      stack.push(...(parents.get(ancestor) ?? []));
    }
  }
  const out: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(defs)) {
    const allOf = schema.allOf;
    out[name] = Array.isArray(allOf)
      ? { ...schema, allOf: allOf.map((part) => {
        const ref = (part as Schema).$ref;
        return typeof ref === 'string' && descendants.has(ref.slice(REF_PREFIX.length)) ? { $ref: `${ref}__base` } : part;
      }) }
      : schema;
  }
  for (const [base, subtypes] of descendants) {
    out[`${base}__base`] = out[base];
    out[base] = {
      allOf: [
        { $ref: `${REF_PREFIX}${base}__base` },
        ...[...subtypes].sort().map((subtype) => ({
          if: { type: 'object', required: ['type'], properties: { type: { const: subtype } } },
          then: { $ref: `${REF_PREFIX}${subtype}` },
        })),
      ],
    };
  }
  return { definitions: out };
}
