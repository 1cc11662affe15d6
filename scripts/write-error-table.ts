/** `npm run docs:errors`: rewrite README.md's error table from the catalog (see ./error-table.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withErrorTable } from './error-table';

const readme = path.join(__dirname, '..', 'README.md');
const before = readFileSync(readme, 'utf8');
const after = withErrorTable(before);
if (after !== before) writeFileSync(readme, after);
console.log(after === before ? 'README.md error table is current' : `rewrote the error table in ${readme}`);
