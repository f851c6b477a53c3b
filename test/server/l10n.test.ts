// The server speaks the editor's language (issue 16, point 6): the extension hands its l10n
// bundle to the server in initializationOptions, as VS Code loads it for a Norwegian user
// (l10n/bundle.l10n.nb.json). Refusals, diagnostics, quick-fix titles and hovers then come in
// Norwegian; without a bundle (English) the same server says them in English.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionRequest, HoverRequest, type CodeAction, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol';
import { serverSuite } from './lspClient';
import { codeSelectionRequest, matrixRequest } from '../../server/src/protocol';

const NB = JSON.parse(readFileSync(path.resolve(__dirname, '../../../l10n/bundle.l10n.nb.json'), 'utf8')) as Record<string, string>;

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-l10n-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', 'language: nb\ninformants:\n  R4: { rolle: leder }\n');
  await write('.qda/identifiers.yaml', 'Kari Nordmann: R4\n');
  await write('transcripts/R4.md', '---\ntitle: R4\n---\n**Intervjuer:** Hei, Kari Nordmann.\n\n**R4:** Hei. Vi bruker CRM.\n');
  await write('codebook.md', '# Kodebok\n\n## Tema\n- **CRM** — bruk av systemet.\n');
  return root;
}

const realNames = (d: Diagnostic[]): Diagnostic[] => d.filter((x) => x.code === 'qda.realName');

for (const language of ['nb', 'en'] as const) {
  describe(`the server's messages in ${language === 'nb' ? 'Norwegian (the nb bundle in initializationOptions)' : 'English (no bundle)'}`, function () {
    this.timeout(30000);
    const ctx = serverSuite(makeProject, { init: language === 'nb' ? { l10n: NB } : {} });

    it('refuses, warns and offers quick fixes in the language of the editor', async () => {
      const uri = ctx.editor.uri('transcripts/R4.md');
      // A refusal from core (nothing selected) and one from the server's edge (a file outside the folder).
      const empty = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri, range: { start: { line: 5, character: 9 }, end: { line: 5, character: 9 } }, code: 'CRM' });
      const outside = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: 'file:///elsewhere/x.md', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, code: 'CRM' });
      const matrix = await ctx.editor.connection.sendRequest(matrixRequest, { rows: 'codes', cols: 'kontor', count: 'codings' });
      const diags = realNames(await ctx.editor.waitForDiagnostics('transcripts/R4.md', (d) => realNames(d).length === 1));
      const actions = (await ctx.editor.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diags[0]!.range, context: { diagnostics: diags, only: ['quickfix'] } })) as CodeAction[];
      const hover = await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ctx.editor.uri('codebook.md') }, position: { line: 3, character: 5 } });
      const counts = (hover?.contents as MarkupContent).value.split('\n\n').at(-1);
      if (language === 'nb') {
        assert.equal(empty.error, 'Marker først utdraget du vil kode.');
        assert.equal(outside.error, 'Filen ligger utenfor prosjektmappen.');
        assert.equal(matrix.error, 'Ingen informant i qda.yaml har attributtet «kontor».');
        assert.equal(diags[0]!.message, 'Et ekte navn fra identifikatorfilen står her; anonymiser det med koden R4. Ekte navn hører bare hjemme i identifikatorfilen, som aldri committes.');
        assert.deepEqual(actions.map((a) => a.title), ['Erstatt dette navnet med R4']);
        assert.equal(counts, '0 kodinger · 0 informanter · kodere: —');
      } else {
        assert.equal(empty.error, 'Select the passage to code first.');
        assert.equal(outside.error, 'The file is outside the project folder.');
        assert.equal(matrix.error, "No informant in qda.yaml has the attribute 'kontor'.");
        assert.equal(diags[0]!.message, 'A real name from the identifiers file appears here; anonymise it with its code R4. Real names belong only in the identifiers file, which is never committed.');
        assert.deepEqual(actions.map((a) => a.title), ['Replace this name with R4']);
        assert.equal(counts, '0 codings · 0 informants · coders: —');
      }
    });
  });
}
