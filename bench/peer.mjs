// The peer: vscode-markdown-languageservice (what VS Code's own Markdown support runs) over the
// same corpus's Markdown files, in a fresh Node process: read them, then document symbols and
// document links of every one. Prints JSON on stdout (time in process and peak RSS).
import { promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const t0 = performance.now();
const md = require('vscode-markdown-languageservice');
const MarkdownIt = require('markdown-it');
const { TextDocument } = require('vscode-languageserver-textdocument');
const { URI } = require('vscode-uri');
const { CancellationTokenSource, Emitter } = require('vscode-languageserver-protocol');

const root = process.argv[2];
const files = [];
async function walk(dir) {
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) await walk(join(dir, e.name));
    else if (e.isFile() && e.name.endsWith('.md')) files.push(join(dir, e.name));
  }
}
await walk(root);
const docs = new Map();
await Promise.all(files.map(async (f) => {
  const uri = pathToFileURL(f).href;
  docs.set(uri, TextDocument.create(uri, 'markdown', 1, await fsp.readFile(f, 'utf8')));
}));
const mdIt = MarkdownIt({ html: true });
const parser = { slugifier: md.githubSlugifier, tokenize: async (doc) => mdIt.parse(doc.getText(), {}) };
const never = new Emitter().event;
const workspace = {
  workspaceFolders: [URI.file(root)],
  onDidChangeMarkdownDocument: never,
  onDidCreateMarkdownDocument: never,
  onDidDeleteMarkdownDocument: never,
  getAllMarkdownDocuments: async () => docs.values(),
  hasMarkdownDocument: (u) => docs.has(u.toString()),
  openMarkdownDocument: async (u) => docs.get(u.toString()),
  stat: async (u) => (docs.has(u.toString()) ? { isDirectory: false } : undefined),
  readDirectory: async () => [],
};
const logger = { level: 0, log() {} };
const ls = md.createLanguageService({ workspace, parser, logger });
const token = new CancellationTokenSource().token;
let symbols = 0;
let links = 0;
for (const doc of docs.values()) {
  symbols += (await ls.getDocumentSymbols(doc, { includeLinkDefinitions: true }, token)).length;
  links += (await ls.getDocumentLinks(doc, token)).length;
}
const status = readFileSync('/proc/self/status', 'utf8');
const hwm = Number(/^VmHWM:\s+(\d+)/m.exec(status)[1]) / 1024;
process.stdout.write(JSON.stringify({ documents: docs.size, symbols, links, inProcessMs: performance.now() - t0, hwmMB: hwm }) + '\n');
