/**
 * The ```sh blocks of one README section, line by line, with each line's place in the README and its trailing
 * comment. A line's comment may start with the HTTP status the example answers with (`# 201, Location: …`): the
 * README states it, and the spec holds the README to it.
 */
import { readFileSync } from 'node:fs';

export interface ShellLine {
  /** 1-based line number in the README, for failure messages a reader can jump to. */
  readmeLine: number;
  text: string;
  /** The shell code before the trailing `# comment`. */
  code: string;
  /** The trailing comment without its `#`, or '' when there is none. */
  comment: string;
  /** The status the comment documents (`# 204: deleted` → 204), if it starts with one. */
  documentedStatus: number | undefined;
  /** Whether the code runs curl (the comment does not count). */
  runsCurl: boolean;
}

// The examples never put ` # ` inside a quoted argument, so the first one starts the comment.
const TRAILING_COMMENT = /^(.*?)\s+#(?:\s(.*))?$/;
const LEADING_STATUS = /^([1-5]\d\d)\b/;

export function readmeShellSection(readmePath: string, heading: string): ShellLine[] {
  const lines = readFileSync(readmePath, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`${readmePath} has no heading "${heading}".`);
  const level = heading.match(/^#+/)?.[0].length ?? 0;
  const shell: ShellLine[] = [];
  let inBlock = false;
  for (let index = start + 1; index < lines.length; index += 1) {
    const text = lines[index];
    const headingLevel = text.match(/^(#+)\s/)?.[1].length;
    if (!inBlock && headingLevel !== undefined && headingLevel <= level) break;
    if (text.startsWith('```')) {
      inBlock = !inBlock && text.trim() === '```sh';
      continue;
    }
    if (inBlock && text.trim() !== '') shell.push(toShellLine(text, index + 1));
  }
  return shell;
}

function toShellLine(text: string, readmeLine: number): ShellLine {
  const match = text.match(TRAILING_COMMENT);
  const code = match ? match[1] : text;
  const comment = match ? (match[2] ?? '').trim() : '';
  const status = comment.match(LEADING_STATUS)?.[1];
  return {
    readmeLine,
    text,
    code,
    comment,
    documentedStatus: status === undefined ? undefined : Number(status),
    runsCurl: /(^|[\s($])curl\s/.test(code),
  };
}
