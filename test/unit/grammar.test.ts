// The TextMate injections of syntaxes/ tokenised together with VS Code's own Markdown grammar,
// by VS Code's own tokenizer (vscode-textmate + vscode-oniguruma, taken from the code-server
// that the extension-host tests install into .vscode-test/; skipped when it is not there).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'syntaxes'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no syntaxes/ folder above ${__dirname}`);
    dir = up;
  }
  return dir;
}

const root = projectRoot();
const vscodeDir = path.join(
  process.env.QDA_VSCODE_TOOLS ?? path.join(root, '.vscode-test', 'tools'),
  'code-server/node_modules/code-server/lib/vscode',
);
const markdownGrammar = path.join(vscodeDir, 'extensions/markdown-basics/syntaxes/markdown.tmLanguage.json');

interface Token {
  text: string;
  scopes: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- vscode-textmate is loaded from code-server at run time, untyped */
async function tokenizer(): Promise<(text: string) => Token[][]> {
  const req = createRequire(path.join(vscodeDir, 'package.json'));
  const tm: any = req('vscode-textmate');
  const onig: any = req('vscode-oniguruma');
  const wasm = fs.readFileSync(req.resolve('vscode-oniguruma/release/onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] };
  };
  const ours = new Map(pkg.contributes.grammars.map((g) => [g.scopeName, path.join(root, g.path)]));
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new onig.OnigScanner(s), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => {
      const file = scope === 'text.html.markdown' ? markdownGrammar : ours.get(scope);
      return file ? tm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scope: string) =>
      pkg.contributes.grammars.filter((g) => g.injectTo?.includes(scope)).map((g) => g.scopeName),
  });
  const grammar = await registry.loadGrammar('text.html.markdown');
  return (text: string) => {
    let stack = tm.INITIAL;
    return text.split('\n').map((line) => {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      return r.tokens.map((t: any) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes as string[] }));
    });
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The texts of the tokens on a line that carry a scope starting with `scope`. */
function tokensWith(line: Token[], scope: string): string[] {
  return line.filter((t) => t.scopes.some((s) => s.startsWith(scope))).map((t) => t.text);
}

describe('markdown grammar injections (speaker labels, timestamps, [[links]], quote anchors)', function () {
  let tokenize: (text: string) => Token[][];

  before(async function () {
    if (!fs.existsSync(markdownGrammar)) {
      console.log(`    (skipped: no VS Code tokenizer at ${vscodeDir}; npm run test:vscode installs it)`);
      this.skip();
    }
    tokenize = await tokenizer();
  });

  it('marks the speaker label that opens a turn, and only there', function () {
    const lines = tokenize(['**Intervjuer:** Kan du fortelle om det?', '', '**FL1:** Ja, og **Anna:** sa det **fint**.'].join('\n'));
    assert.deepEqual(tokensWith(lines[0], 'entity.name.tag.speaker.qda'), ['Intervjuer']);
    assert.deepEqual(tokensWith(lines[2], 'entity.name.tag.speaker.qda'), ['FL1']);
    // the rest of the turn is still ordinary Markdown
    assert.ok(lines[2].some((t) => t.text === 'fint' && t.scopes.includes('markup.bold.markdown')));
    // The colon may stand after the bold (the turn grammar accepts **R2**: too).
    const [outside] = tokenize('**R2**: Jeg vil også si noe, og **Anna**: nei.');
    assert.deepEqual(tokensWith(outside, 'entity.name.tag.speaker.qda'), ['R2']);
  });

  it('marks [hh:mm:ss] and [mm:ss.f] timestamps but not bracketed words', function () {
    const [line] = tokenize('**R2:** [00:01:23] Ja [lærer mest] og [01:23.5] [12] nå.');
    assert.deepEqual(tokensWith(line, 'constant.numeric.timestamp.qda'), ['00:01:23', '01:23.5']);
  });

  it('marks [[links]] with their target and shown text, in paragraphs, lists and headings', function () {
    const lines = tokenize(['Se [[Wenger 1998|Wenger]] og [[Sandkasse]].', '', '- **Kode** — se [[Tjora 2021]]', '', '## Tema [[Læring i praksis]]'].join('\n'));
    assert.deepEqual(tokensWith(lines[0], 'entity.name.reference.qda'), ['Wenger 1998', 'Sandkasse']);
    assert.deepEqual(tokensWith(lines[0], 'string.other.link.title.qda'), ['Wenger']);
    assert.deepEqual(tokensWith(lines[2], 'entity.name.reference.qda'), ['Tjora 2021']);
    assert.deepEqual(tokensWith(lines[4], 'entity.name.reference.qda'), ['Læring i praksis']);
  });

  it('marks the quote anchor id after a quote', function () {
    const [line] = tokenize('«vi startet med en sandkasse (...) og det gikk greit» (FL1)<!--qda:k7f3q9x2-->');
    assert.deepEqual(tokensWith(line, 'constant.other.anchor-id.qda'), ['k7f3q9x2']);
  });

  it('leaves code spans and fenced code alone', function () {
    const lines = tokenize(['Text `[[not a link]] [00:00:01]` here.', '', '```', '**FL1:** [00:00:01] [[no]] <!--qda:x1-->', '```'].join('\n'));
    for (const line of lines) assert.deepEqual(line.filter((t) => t.scopes.some((s) => s.endsWith('.qda'))), [], JSON.stringify(line.map((t) => t.text)));
  });
});
