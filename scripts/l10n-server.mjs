#!/usr/bin/env node
// `npm run l10n`, second step: vscode-l10n-dev exports the client's vscode.l10n.t() messages
// into l10n/bundle.l10n.json but does not see the server's (they call core/text/l10n.ts's t(),
// not @vscode/l10n's); this adds every l10n.t('…') message of server/src to the bundle, keeping
// the order and whatever is there. Translations go into l10n/bundle.l10n.nb.json by hand
// (test/unit/l10n.test.ts fails while one is missing).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'l10n/bundle.l10n.json');

/** The first (string literal) argument of every l10n.t(...) call, as test/unit/l10n.test.ts reads them. */
function messages(dir, out = new Set()) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) messages(p, out);
    else if (/\.tsx?$/.test(entry.name)) {
      const text = readFileSync(p, 'utf8');
      const call = /\bl10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
      for (let m = call.exec(text); m; m = call.exec(text)) {
        const body = m[1] !== undefined ? m[1].replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"') : m[2];
        out.add(JSON.parse(`"${body}"`));
      }
    }
  }
  return out;
}

const bundle = JSON.parse(readFileSync(BUNDLE, 'utf8'));
let added = 0;
for (const m of messages(join(ROOT, 'server/src'))) {
  if (m in bundle) continue;
  bundle[m] = m;
  added++;
}
writeFileSync(BUNDLE, JSON.stringify(bundle, null, 2) + '\n');
console.log(`l10n: ${added} server message(s) added to l10n/bundle.l10n.json`);
