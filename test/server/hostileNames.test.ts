// Everything a user can name is text wherever it is shown: a code, its description, a theme,
// an informant's speaker label and a memo's title holding HTML, a remote image, a javascript:
// link or a spreadsheet formula go through every hover of the real server and every export
// format of `qda export`, and come out as the characters typed, never as markup.
import { strict as assert } from 'node:assert';
import { promises as fsp, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { unzipSync, strFromU8 } from 'fflate';
import { HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol';
import { serverSuite, positionIn } from './lspClient';
import { codeSelectionRequest } from '../../server/src/protocol';
import { run as runExport } from '../../server/src/cli/export';
import { markdownText as esc } from '../../server/src/core/text/markdownText';

const THEME = 'Tema <img src=x onerror=alert(1)>';
const CODE = 'Kode <b>fet</b> & <img src=z onerror=alert(9)>';
const DESCRIPTION = '<script>alert(2)</script> ![spor](https://evil.example/p.png) [klikk](javascript:alert(3)) <a href="javascript:alert(4)">her</a>';
const FORMULA_CODE = '=HYPERLINK("javascript:alert(5)","klikk")';
// A speaker label as the turn grammar reads one (a name, and a note in parentheses), with HTML in it.
const SPEAKER = 'Kari (<img src=y onerror=x>)';
const MEMO_TITLE = '<script>alert(7)</script> [lenke](javascript:alert(8))';
const PASSAGE = 'Vi lærte mye i sandkassa før vi startet for alvor.';

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-hostile-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', 'language: nb\ncoder: anna\ninterviewers: [Intervjuer]\n');
    // Written escaped, as the user must to have these characters in a name (the codebook is Markdown).
  await write('codebook.md', `# Kodebok\n\n## ${esc(THEME)}\n\nTema med ${DESCRIPTION}\n\n- **${esc(CODE)}** — ${DESCRIPTION}\n- **${esc(FORMULA_CODE)}** — ${FORMULA_CODE}\n`);
  await write('transcripts/FL1.md', `---\ntitle: FL1\n---\n**Intervjuer:** Hvordan var opplæringen?\n\n**${SPEAKER}:** ${PASSAGE}\n\n**Intervjuer:** Takk.\n\n**${SPEAKER}:** Ja.\n`);
  await write('memos/notat.md', `# ${MEMO_TITLE}\n\nOm [[${CODE}]] og [[${THEME}]].\n`);
  await write('chapters/kap.md', 'Se [[notat]].\n');
  return root;
}

// Raw HTML on (what an HTML-rendering viewer does); bare URLs stay text (autolinking them is
// the viewer's choice, and an https link is not markup from the name).
const md = new MarkdownIt({ html: true });

/** Markdown as a renderer with raw HTML and autolinks on shows it: no element from the names. */
function assertInert(where: string, markdown: string): void {
  const html = md.render(markdown);
  for (const bad of [/<img/i, /<script/i, /<b>/i, /<a /i, /javascript:alert\(\d\)"/i]) assert.doesNotMatch(html, bad, `${where} renders markup from a name:\n${html}`);
}

describe('names with HTML, images and javascript: links are text in every hover and export', function () {
  this.timeout(60_000);
  const ctx = serverSuite(makeProject);

  it('hovers: code name, category, coded passage, [[link]] to a code and to a memo', async () => {
    // Code the passage so the hovers have an informant and a coding to show.
    const transcript = await ctx.editor.open('transcripts/FL1.md');
    const range = { start: positionIn(transcript, PASSAGE), end: positionIn(transcript, PASSAGE, PASSAGE.length) };
    const coded = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: ctx.editor.uri('transcripts/FL1.md'), range, code: CODE });
    assert.equal(coded.error, undefined);
    await ctx.editor.applyResult(coded);

    const hover = async (rel: string, text: string, needle: string, delta: number): Promise<string> => {
      const h = (await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ctx.editor.uri(rel) }, position: positionIn(text, needle, delta) })) as Hover | null;
      assert.ok(h, `a hover in ${rel} at ${needle}`);
      return (h.contents as MarkupContent).value;
    };
    const codebook = await ctx.editor.open('codebook.md');
    const memo = await ctx.editor.open('memos/notat.md');
    const chapter = await ctx.editor.open('chapters/kap.md');
    // The coding reaches the server's index when the codings file is saved: wait for it.
    let passage = '';
    for (let i = 0; i < 100 && !passage.includes('coded by'); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 20));
      const h = (await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ctx.editor.uri('transcripts/FL1.md') }, position: positionIn(transcript, PASSAGE, 5) })) as Hover | null;
      passage = h ? (h.contents as MarkupContent).value : '';
    }
    const hovers: Record<string, string> = {
      'code name in the codebook': await hover('codebook.md', codebook, '**Kode', 4),
      'category in the codebook': await hover('codebook.md', codebook, '## Tema', 4),
      'coded passage': passage,
      '[[link]] to the code': await hover('memos/notat.md', memo, '[[Kode', 4),
      '[[link]] to the category': await hover('memos/notat.md', memo, '[[Tema', 4),
      '[[link]] to the memo': await hover('chapters/kap.md', chapter, '[[notat', 4),
    };
    for (const [where, value] of Object.entries(hovers)) assertInert(where, value);
    // ... and the names are there, as their characters.
    const text = (value: string): string => md.render(value).replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.ok(text(hovers['code name in the codebook']!).includes(CODE), hovers['code name in the codebook']);
    assert.ok(text(hovers['code name in the codebook']!).includes(DESCRIPTION));
    assert.ok(text(hovers['code name in the codebook']!).includes(SPEAKER), 'the informant, as text');
    assert.ok(text(hovers['coded passage']!).includes(SPEAKER), hovers['coded passage']);
    assert.ok(text(hovers['[[link]] to the memo']!).includes(MEMO_TITLE), hovers['[[link]] to the memo']);
  });

  it('exports: codebook-md, codebook-docx, csv, quotes-md, quotes-docx', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: ctx.root };
    const exportText = async (format: string): Promise<string> => {
      out.length = 0;
      assert.equal(await runExport([format, '.'], io), 0, err.join(''));
      return out.join('');
    };
    const exportDocx = async (format: string): Promise<string> => {
      assert.equal(await runExport([format, '.', '--out', `${format}.docx`], io), 0, err.join(''));
      return strFromU8(unzipSync(readFileSync(path.join(ctx.root, `${format}.docx`)))['word/document.xml']!);
    };

    const codebookMd = await exportText('codebook-md');
    assertInert('codebook-md', codebookMd);
    const visible = md.render(codebookMd);
    for (const name of [THEME, CODE, DESCRIPTION, SPEAKER]) assert.ok(visible.includes(md.utils.escapeHtml(name)), `codebook-md shows ${name}:\n${codebookMd}`);

    const quotesMd = await exportText('quotes-md');
    assertInert('quotes-md', quotesMd);
    for (const name of [THEME, CODE, SPEAKER]) assert.ok(md.render(quotesMd).includes(md.utils.escapeHtml(name)), `quotes-md shows ${name}:\n${quotesMd}`);

    const csv = await exportText('csv');
    const rows = csv.split('\r\n').slice(1).filter(Boolean);
    assert.ok(rows.some((r) => r.includes(`"'${FORMULA_CODE.replace(/"/g, '""')}"`)), `the formula is text (a leading ') in:\n${csv}`);
    assert.ok(!/(^|,)"?=/.test(csv.split('\r\n').slice(1).join('\n')), 'no cell starts with =');
    assert.ok(csv.includes(`"${DESCRIPTION.replace(/"/g, '""')}"`), 'the description, as typed');

    for (const format of ['codebook-docx', 'quotes-docx']) {
      const xml = await exportDocx(format);
      assert.doesNotMatch(xml, /<w:hyperlink|<a:blip|<w:drawing|<script|<img|<b>/, `${format} has no links, images or markup from names`);
      for (const name of [THEME, CODE, SPEAKER]) {
        const escaped = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        assert.ok(xml.includes(escaped) || xml.includes(escaped.replace(/"/g, '&quot;')), `${format} has ${name} as text`);
      }
    }
  });
});
