// Chapter quotes through the real server over stdio: diagnostics, quick fixes, definition,
// hover, references, formatting a quote for insertion, and the quote bank.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionRequest, DefinitionRequest, HoverRequest, ReferencesRequest, type CodeAction, type Hover, type Location, type MarkupContent, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { positionIn, serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import { exportQuotesRequest, formatQuoteRequest } from '../../server/src/protocol';
import type { Coding } from '../../server/src/core/model/model';

const TRANSCRIPT = `---
title: Intervju med FL1
---
**Intervjuer:** [00:00:02] Hvordan gikk det med øvingsmiljøet?

**FL1:** [00:00:08] Vi startet med en sandkasse, og det gikk veldig greit. Alle fikk prøve seg før oppstart, og ingen var redde for å ødelegge noe.

**Intervjuer:** [00:00:40] Og superbrukerne?

**FL1:** [00:00:44] De hjalp de andre på kontoret, særlig i starten.
`;
const SANDKASSE = 'Vi startet med en sandkasse, og det gikk veldig greit. Alle fikk prøve seg før oppstart, og ingen var redde for å ødelegge noe.';
const HJALP = 'De hjalp de andre på kontoret, særlig i starten.';

const CHAPTER = `# 5 Funn

Lederen sa: «Vi startet med en sandkasse, og det gikk ganske greit» (FL1)<!--qda:sand0001-->.

Om superbrukerne: «De hjalp de andre på kontoret» (FL2)<!--qda:hjalp001-->.

Slettet: «Alle fikk prøve seg» (FL1)<!--qda:gone0000-->.

Uten anker: «ingen var redde for å ødelegge noe» (FL1).

Oppdiktet: «Dette sa ingen» (FL1).
`;

function codingOf(id: string, phrase: string, code: string): Coding {
  const start = TRANSCRIPT.indexOf(phrase);
  return { id, doc: 'transcripts/FL1.md', start, end: start + phrase.length, code, ...makeQuoteSelector(TRANSCRIPT, start, start + phrase.length), coder: 'anna', at: '2026-03-02T10:00:00Z' };
}

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-quotes-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', 'language: nb\ncoder: anna\ninterviewers: [Intervjuer]\ninformants:\n  FL1: {}\n  FL2: {}\n');
  await write('codebook.md', '# Kodebok\n\n## Opplæring\n- **Sandkasse** — testmiljøet.\n- **Superbrukere** — kolleger som hjelper.\n');
  await write('transcripts/FL1.md', TRANSCRIPT);
  await write('.qda/codings/anna.jsonl', [codingOf('sand0001', SANDKASSE, 'Sandkasse'), codingOf('hjalp001', HJALP, 'Superbrukere')].map((c) => JSON.stringify(c)).join('\n') + '\n');
  await write('chapters/kap5.md', CHAPTER);
  return root;
}

describe('chapter quotes over stdio', function () {
  this.timeout(30000);
  const ctx = serverSuite(makeProject);
  const chapterText = (): string => readFileSync(path.join(ctx.root, 'chapters/kap5.md'), 'utf8');
  const positionOf = (text: string, needle: string, delta = 2): { line: number; character: number } => positionIn(text, needle, delta);


  it('publishes a diagnostic with a stable code for each quote that is not verified', async () => {
    const diags = await ctx.editor.waitForDiagnostics('chapters/kap5.md', (d) => d.length === 5);
    const text = chapterText();
    const li = new LineIndex(text);
    const rows = diags.map((d) => [d.code, d.severity, text.slice(li.offsetAt(d.range.start), li.offsetAt(d.range.end))]);
    assert.deepEqual(rows, [
      ['qda.quoteMismatch', 1, '«Vi startet med en sandkasse, og det gikk ganske greit» (FL1)<!--qda:sand0001-->'],
      ['qda.quoteWrongInformant', 1, '«De hjalp de andre på kontoret» (FL2)<!--qda:hjalp001-->'],
      ['qda.quoteMissingCoding', 2, '«Alle fikk prøve seg» (FL1)<!--qda:gone0000-->'],
      ['qda.quoteUnanchored', 4, '«ingen var redde for å ødelegge noe» (FL1)'],
      ['qda.quoteNoSource', 2, '«Dette sa ingen» (FL1)'],
    ]);
    assert.match(diags[0].message, /“ganske” is not in the source where the quote has it \(the source has “veldig” after “gikk”\)/);
    assert.match(diags[1].message, /names FL2, but the words are FL1's/);
  });

  const actionsAt = async (needle: string): Promise<CodeAction[]> => {
    const text = chapterText();
    const diags = ctx.editor.diagnostics.get(ctx.editor.uri('chapters/kap5.md')) ?? [];
    const pos = positionOf(text, needle);
    const range = { start: pos, end: pos };
    const context = { diagnostics: diags.filter((d) => d.range.start.line === pos.line) };
    return (await ctx.editor.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: ctx.editor.uri('chapters/kap5.md') }, range, context })) as CodeAction[];
  };

  it('offers quick fixes, and applying them clears the diagnostics', async () => {
    const mismatch = await actionsAt('«Vi startet');
    assert.deepEqual(mismatch.map((a) => [a.title, a.diagnostics?.[0]?.code]), [
      ['Update the quote from its source', 'qda.quoteMismatch'],
      ['Remove the quote’s source anchor', 'qda.quoteMismatch'],
    ]);
    await ctx.editor.applyAndSave(mismatch[0].edit as WorkspaceEdit);
    assert.ok(chapterText().includes(`«${SANDKASSE}» (FL1)<!--qda:sand0001-->`));
    await ctx.editor.waitForDiagnostics('chapters/kap5.md', (d) => d.length === 4 && !d.some((x) => x.code === 'qda.quoteMismatch'));

    const informant = await actionsAt('«De hjalp');
    assert.deepEqual(informant.map((a) => a.title), ['Change the informant to FL1']);
    await ctx.editor.applyAndSave(informant[0].edit as WorkspaceEdit);
    assert.ok(chapterText().includes('«De hjalp de andre på kontoret» (FL1)<!--qda:hjalp001-->'));

    const missing = await actionsAt('«Alle fikk');
    assert.deepEqual(missing.map((a) => a.title), ['Remove the quote’s source anchor']);
    await ctx.editor.applyAndSave(missing[0].edit as WorkspaceEdit);
    assert.ok(chapterText().includes('Slettet: «Alle fikk prøve seg» (FL1).'));

    const link = await actionsAt('«ingen var');
    assert.deepEqual(link.map((a) => a.title), ["Link the quote to coding 'Sandkasse' (anna, sand0001)"]);
    await ctx.editor.applyAndSave(link[0].edit as WorkspaceEdit);
    assert.ok(chapterText().includes('«ingen var redde for å ødelegge noe» (FL1)<!--qda:sand0001-->.'));

    // Left: the quote whose anchor was removed (now found in the transcript, unanchored) and the invented one.
    const diags = await ctx.editor.waitForDiagnostics('chapters/kap5.md', (d) => d.length === 2);
    assert.deepEqual(diags.map((d) => d.code), ['qda.quoteUnanchored', 'qda.quoteNoSource']);
  });

  it('goes to the transcript passage from a quote, and hovers with the surrounding turn', async () => {
    const text = chapterText();
    const uri = ctx.editor.uri('chapters/kap5.md');
    const def = (await ctx.editor.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(text, '«De hjalp', 5) })) as Location;
    const li = new LineIndex(TRANSCRIPT);
    const start = TRANSCRIPT.indexOf('De hjalp');
    assert.equal(def.uri, ctx.editor.uri('transcripts/FL1.md'));
    // The quoted words, not the whole coded segment.
    assert.deepEqual(def.range, { start: li.positionAt(start), end: li.positionAt(start + 'De hjalp de andre på kontoret'.length) });

    const hover = (await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, '«ingen var', 5) })) as Hover;
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /^\*\*Sandkasse\*\* · anna · `sand0001` — ✓ matches its source word for word/);
    assert.match(value, /\*FL1\* \[00:00:08\] · transcripts\/FL1.md:6/);
    assert.ok(value.includes('> Vi startet med en sandkasse, og det gikk veldig greit. Alle fikk prøve seg før oppstart, og **ingen var redde for å ødelegge noe**.'), value);
  });

  it('lists the chapters quoting a coding among its references', async () => {
    await ctx.editor.open('transcripts/FL1.md');
    const refs = (await ctx.editor.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: ctx.editor.uri('transcripts/FL1.md') },
      position: positionOf(TRANSCRIPT, 'Vi startet', 3),
      context: { includeDeclaration: false },
    })) as Location[];
    const text = chapterText();
    const li = new LineIndex(text);
    const inChapter = refs.filter((r) => r.uri === ctx.editor.uri('chapters/kap5.md')).map((r) => text.slice(li.offsetAt(r.range.start), li.offsetAt(r.range.end)));
    assert.deepEqual(inChapter, [`«${SANDKASSE}» (FL1)<!--qda:sand0001-->`, '«ingen var redde for å ødelegge noe» (FL1)<!--qda:sand0001-->']);
    assert.ok(refs.some((r) => r.uri === ctx.editor.uri('transcripts/FL1.md')));
  });

  it('formats a quote for insertion (whole segment or a part) that then verifies cleanly', async () => {
    const li = new LineIndex(TRANSCRIPT);
    const text = chapterText();
    const endPos = new LineIndex(text).positionAt(text.length);
    const uri = ctx.editor.uri('chapters/kap5.md');
    const whole = await ctx.editor.connection.sendRequest(formatQuoteRequest, { id: 'hjalp001', uri, position: endPos });
    assert.deepEqual(whole, { chapter: true, text: '«De hjalp de andre på kontoret, særlig i starten.» (FL1)<!--qda:hjalp001-->', form: 'inline', informant: 'FL1' });
    const partStart = TRANSCRIPT.indexOf('Alle fikk');
    const part = await ctx.editor.connection.sendRequest(formatQuoteRequest, { id: 'sand0001', range: { start: li.positionAt(partStart), end: li.positionAt(partStart + 'Alle fikk prøve seg før oppstart'.length) } });
    assert.equal(part.text, '«(...) Alle fikk prøve seg før oppstart (...)» (FL1)<!--qda:sand0001-->');
    assert.equal(part.chapter, false);
    const wrongTarget = await ctx.editor.connection.sendRequest(formatQuoteRequest, { id: 'sand0001', uri: ctx.editor.uri('transcripts/FL1.md') });
    assert.equal(wrongTarget.chapter, false);

    await fsp.writeFile(path.join(ctx.root, 'chapters/kap5.md'), `Nytt avsnitt: ${whole.text} Og ${part.text}\n`);
    await ctx.editor.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
    await ctx.editor.waitForDiagnostics('chapters/kap5.md', (d) => d.length === 0);
  });

  it('exports the quote bank as Markdown grouped by theme › code', async () => {
    const result = await ctx.editor.connection.sendRequest(exportQuotesRequest, { format: 'md' });
    assert.equal(result.segments, 2);
    assert.equal(
      result.text,
      [
        '# Sitatbank',
        '',
        '2 kodede segmenter i 2 koder, gruppert etter tema og kode.',
        '',
        '## Opplæring',
        '',
        '### Sandkasse',
        '',
        `> ${SANDKASSE} (FL1)`,
        '',
        '<small>transcripts/FL1.md, linje 6, [00:00:08] · kodet av anna · sand0001</small>',
        '',
        '### Superbrukere',
        '',
        `> ${HJALP} (FL1)`,
        '',
        '<small>transcripts/FL1.md, linje 10, [00:00:44] · kodet av anna · hjalp001</small>',
        '',
      ].join('\n'),
    );
    const docx = await ctx.editor.connection.sendRequest(exportQuotesRequest, { format: 'docx' });
    const bytes = Buffer.from(docx.base64!, 'base64');
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a .docx is a zip archive');
  });
});
