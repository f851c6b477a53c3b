// Every message of core a user reads goes through l10n (issue 16, point 6): a Norwegian user got
// the server's refusals, diagnostics, import errors and query errors in English. This reads the
// sources of server/src/core with the TypeScript compiler and fails on a string literal with
// words in it, in a place whose text reaches a user, that is not the key of an l10n.t() call:
//  - the value of a property or variable named like a message (message, error, reason, title, …),
//  - an argument of `new …Error(…)` (ImportError, RefiError, QuerySyntaxError, …) or of the
//    `super(…)` call of such an error class,
//  - an argument of a refusal helper (`fail(…)`) or of a push onto a list of warnings/changes.
// Strings that never reach a user, or are file contents in the project's language rather than
// the editor's, are listed in IGNORED with the reason.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as TS from 'typescript';
import * as l10n from '../../server/src/core/text/l10n';
import { previewImport } from '../../server/src/core/import/plan';
import { TEXT_LAYOUTS } from '../../server/src/core/import/index';
import { Project } from '../../server/src/core/project/project';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { deleteCode } from '../../server/src/core/ops/codebookOps';

const ROOT = path.resolve(__dirname, '../../..');
// Loaded from node_modules at run time, not bundled into the test (it is 9 MB).
const ts = createRequire(__filename)('typescript') as typeof TS;

/** Properties and variables whose text a user reads. */
const MESSAGE_NAMES = /^(message|error|reason|title|detail|hint|warning|unreadable|why|problem|msg|writeBlocked)$/;
/** Calls whose arguments are refusals. */
const REFUSAL_CALLS = new Set(['fail', 'warn']);
/** Lists whose entries a user reads (`warnings.push(…)`). */
const MESSAGE_LISTS = /(warnings|changes|problems|errors|skipped|kept)$/;

/**
 * Literals that are no message to translate, by file and the start of their text, and why.
 * Keep it short: each entry is a string a user never reads in the editor's language.
 */
const IGNORED: Array<{ file: string; text: string; why: string }> = [
  // Internal invariants: a bug of ours, never a user's doing; reported as a crash with its stack.
  { file: 'ops/codebookEdits.ts', text: 'overlapping edits', why: 'invariant of the edit builder' },
  { file: 'analysis/agreement.ts', text: 'expected ', why: 'invariant: the caller passes one rating per coder' },
  { file: 'analysis/agreement.ts', text: "Cohen's kappa", why: 'invariant: callers check the number of coders first' },
  { file: 'analysis/agreement.ts', text: "Fleiss' kappa", why: 'invariant: callers check the number of coders first' },
  { file: 'export/exportCodebook.ts', text: 'unknown codebook export format', why: 'invariant: the format is a closed union' },
  { file: 'refi/importProject.ts', text: 'not UTF-8', why: 'caught at once and replaced by a translated message' },
  // SVG markup of the charts, not words: an attribute name, a <title> element around a translated
  // tooltip, ECharts' font weight.
  { file: 'analysis/chartSvg.ts', text: 'class', why: 'an SVG attribute name' },
  { file: 'analysis/chartSvg.ts', text: '<title>', why: 'the SVG <title> element around an already translated tooltip' },
  { file: 'analysis/charts.ts', text: 'normal', why: "ECharts' fontWeight value" },
  { file: 'analysis/segmentsDocx.ts', text: 'Coded segments', why: "the .docx file's metadata title when no title is given; not on the page" },
  // File contents in the project's language (qda.yaml `language`), not in the editor's: the
  // export and report writers carry their own en/nb tables.
  { file: 'analysis/agreementReport.ts', text: 'Intercoder agreement', why: "report heading in the project's language" },
  { file: 'analysis/agreementReport.ts', text: 'Samsvar mellom kodere', why: "report heading in the project's language" },
  { file: 'export/quoteBank.ts', text: 'Quote bank', why: "document title in the project's language" },
  { file: 'export/exportCodebook.ts', text: 'Codebook', why: "document title in the project's language" },
  { file: 'export/exportCodebook.ts', text: 'Kodebok', why: "document title in the project's language" },
  { file: 'review/themeReport.ts', text: 'Temarapport', why: "document title in the project's language" },
  { file: 'review/themeReport.ts', text: 'Theme report', why: "document title in the project's language" },
  { file: 'export/quoteBank.ts', text: 'Sitatbank', why: "document title in the project's language" },
];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The literal text of a string or template (its fixed parts), or undefined for other nodes. */
function literalText(node: TS.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('{}');
  return undefined;
}

const hasWords = (s: string): boolean => /[A-Za-zÆØÅæøå]{2,}/.test(s);

/** `l10n.t(…)`: its arguments are translated (the key) or filled in (the rest). */
function isL10nCall(node: TS.Node): boolean {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't' && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'l10n';
}

function calleeName(node: TS.CallExpression | TS.NewExpression): string | undefined {
  const e = node.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** The literals with words in `sink` that are not inside an l10n.t() call. */
function untranslated(sf: TS.SourceFile, file: string, sink: TS.Node, out: Finding[]): void {
  const visit = (node: TS.Node): void => {
    if (isL10nCall(node)) return;
    // A literal compared with (`kind === 'full' ? … : …`) is a value, not text.
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) return;
    // A function inside a message (a callback of map) is visited on its own terms.
    const text = literalText(node);
    if (text !== undefined) {
      if (hasWords(text)) out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text });
      if (!ts.isTemplateExpression(node)) return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sink);
}

function findings(): Finding[] {
  const coreDir = path.join(ROOT, 'server/src/core');
  const out: Finding[] = [];
  for (const p of sourceFiles(coreDir)) {
    const file = path.relative(coreDir, p).split(path.sep).join('/');
    if (file === 'text/l10n.ts') continue;
    const sf = ts.createSourceFile(p, readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: TS.Node): void => {
      if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && MESSAGE_NAMES.test(node.name.text)) {
        untranslated(sf, file, node.initializer, out);
      } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && MESSAGE_NAMES.test(node.name.text) && node.initializer) {
        untranslated(sf, file, node.initializer, out);
      } else if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken].includes(node.operatorToken.kind) && ts.isIdentifier(node.left) && MESSAGE_NAMES.test(node.left.text)) {
        untranslated(sf, file, node.right, out);
      } else if (ts.isNewExpression(node) && /Error$/.test(calleeName(node) ?? '')) {
        for (const arg of node.arguments ?? []) untranslated(sf, file, arg, out);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword && /Error$/.test(ts.findAncestor(node, ts.isClassDeclaration)?.name?.text ?? '')) {
        // The message an error class builds around its parts (QuerySyntaxError's "(at character n)").
        for (const arg of node.arguments) untranslated(sf, file, arg, out);
      } else if (ts.isCallExpression(node) && REFUSAL_CALLS.has(calleeName(node) ?? '')) {
        for (const arg of node.arguments) untranslated(sf, file, arg, out);
      } else if (ts.isCallExpression(node) && calleeName(node) === 'push' && ts.isPropertyAccessExpression(node.expression) && MESSAGE_LISTS.test(node.expression.expression.getText(sf))) {
        for (const arg of node.arguments) untranslated(sf, file, arg, out);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out.filter((f) => !IGNORED.some((i) => i.file === f.file && f.text.startsWith(i.text)));
}

describe('l10n of core (every message a user reads is an l10n.t() key)', () => {
  it('no refusal, diagnostic, import error or quick-fix title in server/src/core bypasses l10n.t()', function () {
    // Parsing ~150 files takes about a second; more on a busy machine.
    this.timeout(60000);
    const found = findings().map((f) => `${f.file}:${f.line}: ${JSON.stringify(f.text)}`);
    assert.equal(found.length, 0, `${found.length} message(s) not wrapped in l10n.t():\n${found.join('\n')}`);
  });

  it('every IGNORED entry still matches a literal (the list does not go stale)', () => {
    // Re-scan without the filter: each ignored text must still be found somewhere.
    const all: Finding[] = [];
    const coreDir = path.join(ROOT, 'server/src/core');
    for (const i of IGNORED) {
      const text = readFileSync(path.join(coreDir, i.file), 'utf8');
      if (!text.includes(i.text)) all.push({ file: i.file, line: 0, text: i.text });
    }
    assert.deepEqual(all, []);
  });
});

describe('core in Norwegian (the nb bundle configured, as the server does for a Norwegian editor)', () => {
  const nb = JSON.parse(readFileSync(path.join(ROOT, 'l10n/bundle.l10n.nb.json'), 'utf8')) as Record<string, string>;
  before(() => l10n.config(nb));
  after(() => l10n.config(undefined));

  it('an import with no layout recognised says so in Norwegian and still offers the layouts to choose from', async () => {
    const project = new Project(new MemoryFileSystem({ 'qda.yaml': 'language: nb\n' }));
    await project.load();
    const preview = await previewImport(project, [{ name: 'notat.txt', bytes: new TextEncoder().encode('Bare tekst uten talere.\n\nEt avsnitt til.\n') }]);
    assert.match(preview.error ?? '', /^notat\.txt: har ingen taleturer: ingen oppsett gjenkjent .*Ingenting ble skrevet\.$/);
    assert.deepEqual(preview.layouts, TEXT_LAYOUTS);
  });

  it('a count in a message picks the sentence for one or for many', async () => {
    const project = new Project(new MemoryFileSystem({ 'codebook.md': '# Kodebok\n\n- **CRM**\n- **Tid**\n', '.qda/codings/anna.jsonl': '{"id":"c1","doc":"transcripts/a.md","start":0,"end":3,"code":"CRM"}\n' }));
    await project.load();
    assert.equal(deleteCode(project, 'CRM').message, 'Slettet koden «CRM» og dens 1 koding.');
    assert.equal(deleteCode(project, 'Tid').message, 'Slettet koden «Tid» og dens 0 kodinger.');
  });
});
