// Core's own messages in the editor's language (issue 16, point 6): a codebook refusal, an
// import error that names the file and the line, and a query that does not parse come in
// Norwegian when the extension hands the server the nb bundle, and stay English without one.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serverSuite } from './lspClient';
import { codedSegmentsRequest, importPreviewRequest, renameItemRequest } from '../../server/src/protocol';

const NB = JSON.parse(readFileSync(path.resolve(__dirname, '../../../l10n/bundle.l10n.nb.json'), 'utf8')) as Record<string, string>;

const BAD_SRT = '1\n00:00:01,000 --> 00:00:04,000\nR4: Hei.\n\n2\n00:00:05,000 --> soon\nR4: Vi bruker CRM.\n';

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-l10ncore-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', 'language: nb\n');
  await write('transcripts/R4.md', '---\ntitle: R4\n---\n**R4:** Vi bruker CRM hver dag.\n');
  await write('codebook.md', '# Kodebok\n\n## Tema\n- **CRM** — bruk av systemet.\n- **Tid** — tid og kø.\n');
  await write('incoming/opptak.srt', BAD_SRT);
  return root;
}

for (const language of ['nb', 'en'] as const) {
  describe(`core's messages in ${language === 'nb' ? 'Norwegian (the nb bundle)' : 'English (no bundle)'}`, function () {
    this.timeout(30000);
    const ctx = serverSuite(makeProject, { init: language === 'nb' ? { l10n: NB } : {} });

    it('a codebook refusal: renaming a code to a name that is taken', async () => {
      const r = await ctx.editor.connection.sendRequest(renameItemRequest, { name: 'CRM', newName: 'tid' });
      assert.equal(
        r.error,
        language === 'nb'
          ? 'Ikke gitt nytt navn: Det finnes allerede en kode «Tid» (codebook.md linje 5). Slå heller sammen kodene hvis de betyr det samme.'
          : "Not renamed: There is already a code 'Tid' (codebook.md line 5). Merge the codes instead if they mean the same.",
      );
    });

    it('an import error names the file and the line', async () => {
      const uri = ctx.editor.uri('incoming/opptak.srt');
      const r = await ctx.editor.connection.sendRequest(importPreviewRequest, { files: [uri] });
      assert.equal(
        r.error,
        language === 'nb'
          ? 'incoming/opptak.srt:6: feil i undertekstens tid «00:00:05,000 --> soon» (ventet tt:mm:ss,ttt --> tt:mm:ss,ttt). Ingenting ble skrevet.'
          : 'incoming/opptak.srt:6: malformed subtitle timing "00:00:05,000 --> soon" (expected hh:mm:ss,ttt --> hh:mm:ss,ttt). Nothing was written.',
      );
    });

    it('a query that does not parse says what is wrong and where', async () => {
      const open = await ctx.editor.connection.sendRequest(codedSegmentsRequest, { query: '(CRM OR' });
      assert.equal(open.error, language === 'nb' ? 'det mangler et kode- eller temanavn på slutten (ved tegn 8)' : 'a code or theme name is missing at the end (at character 8)');
      const unknown = await ctx.editor.connection.sendRequest(codedSegmentsRequest, { query: 'CRM AND Ledelse' });
      assert.equal(unknown.error, language === 'nb' ? '«Ledelse» er ikke en kode, et tema eller en gruppe i codebook.md' : "'Ledelse' is not a code, theme or group in codebook.md");
    });
  });
}
