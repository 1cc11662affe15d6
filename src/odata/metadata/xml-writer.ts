/**
 * A tiny XML element tree and its serializer. The CSDL builder produces a tree of these; only this file knows how
 * XML is spelled, so every attribute value and text node goes through one escaping function.
 */

export interface XmlElement {
  name: string;
  /** Attributes in output order; `undefined` values are left out so callers can pass optional facets inline. */
  attributes: ReadonlyArray<readonly [string, string | undefined]>;
  children: XmlElement[];
  /** Text content (mutually exclusive with children in our documents). */
  text?: string;
}

export function xmlElement(
  name: string,
  attributes: ReadonlyArray<readonly [string, string | undefined]> = [],
  children: XmlElement[] = [],
): XmlElement {
  return { name, attributes, children };
}

export function xmlText(name: string, text: string): XmlElement {
  return { name, attributes: [], children: [], text };
}

// XML 1.0 §2.2: these code points cannot appear in a document at all, even escaped; drop them rather than emit
// a document no parser accepts (descriptions come from declarations, but be safe).
const FORBIDDEN_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * Escape for both attribute values (always double-quoted here) and text. Tabs and newlines are escaped as
 * character references because attribute-value normalisation (XML 1.0 §3.3.3) would otherwise turn them into spaces.
 */
export function escapeXml(value: string): string {
  return value.replace(FORBIDDEN_XML_CHARS, '').replace(/[&<>"'\t\n\r]/g, (char) => XML_ESCAPES[char] ?? char);
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** Serialize with two-space indentation, one element per line; deterministic for a given tree. */
export function renderXmlDocument(root: XmlElement): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>'];
  renderElement(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

function renderElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const attributes = element.attributes
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('');
  if (element.text !== undefined) {
    lines.push(`${indent}<${element.name}${attributes}>${escapeXml(element.text)}</${element.name}>`);
    return;
  }
  if (element.children.length === 0) {
    lines.push(`${indent}<${element.name}${attributes}/>`);
    return;
  }
  lines.push(`${indent}<${element.name}${attributes}>`);
  for (const child of element.children) renderElement(child, depth + 1, lines);
  lines.push(`${indent}</${element.name}>`);
}
