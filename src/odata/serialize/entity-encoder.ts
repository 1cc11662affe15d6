/**
 * Entities written as UTF-8 bytes straight into Buffers (issue #15.3), for the rows of a collection answer: the same
 * bytes as `Buffer.from(entityWriter(options)(row), 'utf8')` (entity-writer.ts, which writes what `JSON.stringify` of
 * the generic entity writes), without the JSON text as strings on the way. Text built by `+` is a tree of strings,
 * flattened into one more copy to be encoded: some 1.4 kB of short-lived strings per commit row, a large part of the
 * gateway's garbage collection (16 % of its CPU on a 100-commit answer page). Here a row leaves next to nothing
 * behind: constants are copied as bytes, and a string value that needs no escape and is ASCII is copied as it is
 * checked, one pass (what `ESCAPED_IN_JSON` and the encoding did in two).
 *
 * Only the shapes whose rows are many and plain: minimal or no metadata, no expansion. Full metadata (ids, links,
 * actions) and `$expand` keep the string writer (`entityEncoder` answers undefined).
 * spec/odata/serialize/entity-encoder.spec.ts compares the bytes with the string writer's on random rows.
 */
import type { Row } from '../ast';
import { compiledShape, type CompiledProperty, type CompiledShape, type EntityWriterOptions } from './entity-writer';

/** The room a `ByteSink` writes in: a 100-commit answer page (some 35 kB) fits. */
const SINK_BYTES = 64 * 1024;

/**
 * The room of the sinks, shared: a sink writes here and hands over exact copies, so an answer allocates its bytes once
 * (a small one from Node's Buffer pool). Each Buffer is memory outside V8's heap that only a collection frees; a room
 * of its own per answer (with 50 % to spare) made more of it between collections than the text it replaced.
 */
let sharedRoom: Buffer | undefined;

/** Bytes written into one room, handed over (`pieces()`) as exact copies, in order. */
export class ByteSink {
  #pieces: Buffer[] = [];
  #buffer: Buffer;
  #at = 0;
  #shared: boolean;

  constructor() {
    // Sinks are used one at a time (written and handed over in one synchronous call), but one that finds the shared
    // room taken makes its own.
    this.#shared = sharedRoom !== undefined;
    this.#buffer = sharedRoom ?? Buffer.allocUnsafe(SINK_BYTES);
    sharedRoom = undefined;
  }

  /** The bytes written, in order; the sink is done (its room goes back to be shared). */
  pieces(): Buffer[] {
    this.#handOver();
    if (this.#shared || this.#buffer.length === SINK_BYTES) sharedRoom = this.#buffer;
    const pieces = this.#pieces;
    this.#pieces = [];
    return pieces;
  }

  /** A copy of what the room holds, in its own Buffer; the room is free again. */
  #handOver(): void {
    if (this.#at > 0) this.#pieces.push(Buffer.from(this.#buffer.subarray(0, this.#at)));
    this.#at = 0;
  }

  /** Makes room for `bytes` more. */
  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    this.#handOver();
    if (bytes > this.#buffer.length) {
      this.#buffer = Buffer.allocUnsafe(bytes);
      this.#shared = false;
    }
  }

  /** Bytes as they are (a precompiled constant: short, so copied in a loop rather than by a call to native code). */
  bytes(bytes: Uint8Array): void {
    this.#room(bytes.length);
    const buffer = this.#buffer;
    let at = this.#at;
    for (let index = 0; index < bytes.length; index++) buffer[at++] = bytes[index];
    this.#at = at;
  }

  /** Text that is ASCII with nothing to escape in JSON (numbers, `true`), as bytes. */
  ascii(text: string): void {
    this.#room(text.length);
    const buffer = this.#buffer;
    let at = this.#at;
    for (let index = 0; index < text.length; index++) buffer[at++] = charCodeAt.call(text, index);
    this.#at = at;
  }

  /** Any text, UTF-8 encoded (`text` must be well-formed: JSON text from `JSON.stringify` is). */
  utf8(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    this.#room(text.length * 3);
    this.#at += this.#buffer.write(text, this.#at, 'utf8');
  }

  /**
   * `text` as a JSON string, `"` included: what `JSON.stringify(text)` writes, UTF-8 encoded. Code units below U+D800
   * are encoded as they are checked, in one pass: one byte for ASCII, two or three above (`Jürgen`, `✨`), an escape
   * for `"`, `\` and control characters. A string with a surrogate (a pair is written as it is, a lone one escaped),
   * or too long for the room, is written again from the start of the value through `JSON.stringify` and UTF-8.
   *
   * Measured (issue #15): every character went through `text.charCodeAt`, a property load on the string, and the
   * strings of a row come in many representations (a JSON.parse value, an internalized key-like one, a slice of
   * `full_name`, the cons string of a normalized date, one- and two-byte): past four string maps the load is
   * megamorphic, a stub-cache lookup per character (Builtins_LoadIC_Megamorphic, 9.5 % of the gateway's CPU on
   * 100,000 commits in one response, perf). `String.prototype.charCodeAt` called on the string is one check that it
   * is a string, then the character read inline. Non-ASCII text (13 % of a commit row's strings: author names) took the
   * JSON.stringify way before. /tmp micro-benchmark over 98,000 strings of 136 commit pages: 180-520 -> 90-165 ns per
   * string (node 20, loaded machine); the encoder's share of the gateway's CPU on that read, perf: 17 % -> 6 % with
   * the escapes written here and dates in Bitbucket's form written straight (`utcSecondsDate`). The gateway with these
   * and the other row cuts of issue #15 (the row's place in a slot, upstream-position.ts) against the same tree
   * without them, side by side under the same load and asked in turn, medians of 5: main thread 11.8 -> 9.5 µs per
   * row, other threads 2.0 -> 1.4 (same bytes); `$select=Hash,Date` 6.9 -> 6.7, within the noise.
   */
  jsonString(text: string): void {
    const length = text.length;
    this.#room(length + 2);
    const buffer = this.#buffer;
    const start = this.#at;
    let at = start;
    buffer[at++] = 0x22;
    for (let index = 0; index < length; index++) {
      const unit: number = charCodeAt.call(text, index);
      if (unit < 0x80) {
        if (unit >= 0x20 && unit !== 0x22 && unit !== 0x5c) {
          buffer[at++] = unit;
          continue;
        }
        // Escaped as JSON.stringify escapes it (ECMA-262 QuoteJSONString): `\"`, `\\`, `\n` and the other short
        // forms, else `\u00xx` with lowercase hex: up to five bytes more than the room holds for it (see below). A commit
        // message's line breaks sent it through JSON.stringify before (0.5 % of the gateway's CPU, perf).
        if (at + (length - index) + 6 > buffer.length) return this.#jsonStringified(text, start);
        buffer[at++] = 0x5c;
        const short = SHORT_ESCAPES[unit];
        if (short !== 0) {
          buffer[at++] = short;
        } else {
          buffer[at++] = 0x75;
          buffer[at++] = 0x30;
          buffer[at++] = 0x30;
          buffer[at++] = HEX_DIGITS[unit >> 4];
          buffer[at++] = HEX_DIGITS[unit & 0xf];
        }
      } else {
        // Two bytes or three. The room holds the rest as ASCII and the closing quote (`at + length - index + 1`): the
        // two more bytes this unit may take must fit too. A surrogate (a pair or a lone one), or no room: the long way.
        if ((unit >= 0xd800 && unit <= 0xdfff) || at + (length - index) + 3 > buffer.length) return this.#jsonStringified(text, start);
        if (unit < 0x800) {
          buffer[at++] = 0xc0 | (unit >> 6);
        } else {
          buffer[at++] = 0xe0 | (unit >> 12);
          buffer[at++] = 0x80 | ((unit >> 6) & 0x3f);
        }
        buffer[at++] = 0x80 | (unit & 0x3f);
      }
    }
    buffer[at++] = 0x22;
    this.#at = at;
  }

  /**
   * `"yyyy-mm-ddThh:mm:ssZ"` for a date in Bitbucket's own form `yyyy-mm-ddThh:mm:ss+00:00`, copied as it is checked:
   * what `normalizeDateTimeOffset` (format-value.ts) makes of it, as a JSON string, without the slice, the
   * concatenation and the flat copy of that concatenation made to read it (one of each per commit row). False, with
   * nothing written, for any other text.
   */
  utcSecondsDate(text: string): boolean {
    if (text.length !== UTC_SECONDS_FORM.length) return false;
    this.#room(22);
    const buffer = this.#buffer;
    let at = this.#at;
    buffer[at++] = 0x22;
    for (let index = 0; index < UTC_SECONDS_FORM.length; index++) {
      const unit: number = charCodeAt.call(text, index);
      const expected = UTC_SECONDS_FORM[index];
      if (expected === 0 ? unit < 0x30 || unit > 0x39 : unit !== expected) return false;
      if (index < 19) buffer[at++] = unit;
    }
    buffer[at++] = 0x5a;
    buffer[at++] = 0x22;
    this.#at = at;
    return true;
  }

  /** `text` as `JSON.stringify` writes it, from `start` (what `jsonString` wrote of it is written over). */
  #jsonStringified(text: string, start: number): void {
    this.#at = start;
    this.utf8(JSON.stringify(text));
  }
}

/**
 * `String.prototype.charCodeAt` itself: called on a string with `.call`, it is not looked up on each string (see
 * `ByteSink.jsonString`).
 */
const charCodeAt: (this: string, index: number) => number = String.prototype.charCodeAt;

/** The letter after `\` of the characters JSON.stringify escapes in short form (`\b \t \n \f \r \" \\`); 0 for `\u00xx`. */
const SHORT_ESCAPES = new Uint8Array(0x80);
for (const [unit, letter] of [[0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0c, 'f'], [0x0d, 'r'], [0x22, '"'], [0x5c, '\\']] as const) {
  SHORT_ESCAPES[unit] = letter.charCodeAt(0);
}
const HEX_DIGITS = Buffer.from('0123456789abcdef');

/**
 * Bitbucket's own form of a date, `yyyy-mm-ddThh:mm:ss+00:00` (every commit's date): 0 where a digit goes, else the
 * character itself.
 */
const UTC_SECONDS_FORM = Uint8Array.from('0000-00-00T00:00:00+00:00', (character) => (character === '0' ? 0 : character.charCodeAt(0)));
UTC_SECONDS_FORM.set(Buffer.from('+00:00'), 19);

/** Writes one row's entity into a sink. */
export type EntityEncoder = (sink: ByteSink, row: Row) => void;

const OPEN = Uint8Array.of(0x7b);
const CLOSE = Uint8Array.of(0x7d);
/** An ETag is the first member where it is written (no id before it below full metadata). */
const ETAG = Buffer.from('"@odata.etag":');
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** A compiled property's constants as bytes. */
interface EncodedProperty {
  name: string;
  /** An Edm.DateTimeOffset: Bitbucket's own form is written straight (`ByteSink.utcSecondsDate`). */
  date: boolean;
  format: CompiledProperty['format'];
  lead: readonly [Buffer, Buffer];
  null: readonly [Buffer, Buffer];
}

/** Per compiled shape (entity-writer.ts keeps those): the constants are encoded once, not per answer. */
const encoded = new WeakMap<CompiledShape, EncodedProperty[]>();

function encodedProperties(shape: CompiledShape): EncodedProperty[] {
  let properties = encoded.get(shape);
  if (properties === undefined) {
    properties = shape.properties.map((property) => ({
      name: property.name,
      date: property.type === 'Edm.DateTimeOffset',
      format: property.format,
      lead: [Buffer.from(property.lead[0]), Buffer.from(property.lead[1])],
      null: [Buffer.from(property.null[0]), Buffer.from(property.null[1])],
    }));
    encoded.set(shape, properties);
  }
  return properties;
}

/** One property's member: its name and value (`raw`, as the row holds it), led by a comma when `comma` is 1. */
function writeMember(sink: ByteSink, property: EncodedProperty, raw: Row[string] | undefined, comma: 0 | 1): void {
  if (property.date && typeof raw === 'string') {
    sink.bytes(property.lead[comma]);
    // A date is never null once formatted: a string stays a string (format-value.ts).
    if (!sink.utcSecondsDate(raw)) sink.jsonString(String(property.format(raw)));
    return;
  }
  const value = property.format(raw);
  if (value === null) {
    sink.bytes(property.null[comma]);
    return;
  }
  sink.bytes(property.lead[comma]);
  // What `encode` (entity-writer.ts) writes, as bytes. `typeof` compared, not switched on: a switch computes the
  // type's name first (a call of the Typeof builtin per value, 4 % of the encoder's time in a profile).
  if (typeof value === 'string') sink.jsonString(value);
  else if (typeof value === 'number') {
    if (Number.isFinite(value)) sink.ascii(String(value));
    else sink.bytes(NULL);
  } else if (typeof value === 'boolean') sink.bytes(value ? TRUE : FALSE);
  else sink.utf8(String(JSON.stringify(value)));
}

/** The byte writer of `options`' shape, or undefined where only the string writer writes it (full metadata, `$expand`). */
export function entityEncoder(options: EntityWriterOptions): EntityEncoder | undefined {
  if (options.level === 'full' || (options.expand?.length ?? 0) > 0) return undefined;
  const bytes = encodedProperties(compiledShape(options));
  const etagOf = options.level === 'none' ? undefined : options.etag;
  return (sink, row) => {
    sink.bytes(OPEN);
    let comma: 0 | 1 = 0;
    const etag = etagOf?.(row);
    if (etag !== undefined) {
      sink.bytes(ETAG);
      sink.jsonString(etag);
      comma = 1;
    }
    // A row made from an item holds every property in declaration order (row-from-item.ts), the order of a shape
    // without `$select`: its values are read in that order with for…in, whose loads V8 makes from the row's own layout
    // (its enum cache), where `row[property.name]` is a megamorphic keyed load (a stub-cache lookup per value: 8.5 %
    // of the encoder's time in a profile of commit rows). From the first key that is not the shape's next property
    // (another order, a `$select`), the rest are read by name. In-process profile of the encoder over commit rows:
    // its megamorphic loads (8.5 %) and Typeof calls (4 %) gone; the gateway's figure is the cuts' together (see
    // `ByteSink.jsonString`).
    let index = 0;
    for (const name in row) {
      if (index === bytes.length || name !== bytes[index].name) break;
      writeMember(sink, bytes[index], row[name], comma);
      comma = 1;
      index++;
    }
    for (; index < bytes.length; index++) {
      const property = bytes[index];
      writeMember(sink, property, row[property.name], comma);
      comma = 1;
    }
    sink.bytes(CLOSE);
  };
}
