// Quotes in chapters: finding them, the matching rules, formatting and the diagnostics and
// quick fixes a writer sees, on in-memory projects and on the demo thesis.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { Project } from '../../server/src/core/project/project';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import { applyOffsetEdits } from '../../server/src/core/ops/operations';
import { findQuotes, formatQuote, quoteFixes, quoteInsertText, quotesIn, quoteDiagnostics, projectQuotes } from '../../server/src/core/checks/quotes';
import type { Coding } from '../../server/src/core/model/model';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');

const TRANSCRIPT = `---
title: Intervju med FL1
informants: [FL1]
---
**Intervjuer:** [00:00:02] Hvordan gikk det med øvingsmiljøet?

**FL1:** [00:00:08] Vi startet med en sandkasse, og det gikk veldig greit. Alle fikk prøve seg før oppstart, og ingen var redde for å ødelegge noe. Det var «læring i sandkassa», sa vi.

**FL1:** [00:00:40] Og så kom superbrukerne inn. De hjalp de andre på kontoret.

**Intervjuer:** [00:01:02] Mm.

**FL1:** [00:01:05] Ærlig talt så var det øyeåpnende for mange av oss. Det tok tid før nytten ble synlig for alle, men den kom.
`;

function codingOf(text: string, id: string, phrase: string, code = 'Sandkasse', doc = 'transcripts/FL1.md'): Coding {
  const start = text.indexOf(phrase);
  assert.ok(start >= 0, phrase);
  return { id, doc, start, end: start + phrase.length, code, ...makeQuoteSelector(text, start, start + phrase.length), coder: 'anna', at: '2026-03-02T10:00:00Z' };
}

const SANDKASSE = 'Vi startet med en sandkasse, og det gikk veldig greit. Alle fikk prøve seg før oppstart, og ingen var redde for å ødelegge noe.';
const TWO_TURNS = 'Det var «læring i sandkassa», sa vi.\n\n**FL1:** [00:00:40] Og så kom superbrukerne inn.';
const ACROSS = 'De hjalp de andre på kontoret.\n\n**Intervjuer:** [00:01:02] Mm.\n\n**FL1:** [00:01:05] Ærlig talt så var det øyeåpnende for mange av oss.';
const AERLIG = 'Ærlig talt så var det øyeåpnende for mange av oss. Det tok tid før nytten ble synlig for alle, men den kom.';

async function makeProject(chapter: string, extra: Record<string, string> = {}): Promise<Project> {
  const codings = [codingOf(TRANSCRIPT, 'sand0001', SANDKASSE), codingOf(TRANSCRIPT, 'two00001', TWO_TURNS, 'Superbrukere'), codingOf(TRANSCRIPT, 'across01', ACROSS, 'Superbrukere'), codingOf(TRANSCRIPT, 'aerlig01', AERLIG, 'Nytte')];
  const fs = new MemoryFileSystem({
    'qda.yaml': 'language: nb\ninterviewers: [Intervjuer]\ninformants:\n  FL1: {}\n  FL2: {}\n',
    'codebook.md': '# Kodebok\n\n## Tema\n- **Sandkasse**\n- **Superbrukere**\n- **Nytte**\n',
    'transcripts/FL1.md': TRANSCRIPT,
    '.qda/codings/anna.jsonl': codings.map((c) => JSON.stringify(c)).join('\n') + '\n',
    'chapters/kap5.md': chapter,
    ...extra,
  });
  const project = new Project(fs, 'anna');
  await project.load();
  return project;
}

async function statusOf(quote: string): Promise<{ status: string; message?: string; expected?: string }> {
  const project = await makeProject(`# Funn\n\nFL1 sa det slik: ${quote}. Videre.\n`);
  const list = quotesIn(project, 'chapters/kap5.md');
  assert.equal(list.length, 1, `one quote in: ${quote}`);
  return { status: list[0].status, message: list[0].message, expected: list[0].expectedInformant };
}

describe('quotes: finding them in a chapter', () => {
  it('finds anchored inline and block quotes, unanchored ones, and ignores [[links]] and code', () => {
    const text = [
      '# Kapittel',
      '',
      'Hun sa «vi startet med en sandkasse (...) og det gikk veldig greit» (FL1)<!--qda:k7f3q9x2--> og mer.',
      'Han sa “it was fine, really” (R3, 00:12:01).',
      'Koden [[«læring i sandkassa»]] og `«ikke et sitat» (FL1)` er ikke sitater.',
      '',
      '```',
      '«heller ikke dette» (FL1)',
      '```',
      '',
      '> Det var «læring i sandkassa», sa vi. Og så kom',
      '> superbrukerne inn. (FL1)<!--qda:two00001-->',
      '',
      '> Bare et sitat uten kilde.',
    ].join('\n');
    const quotes = findQuotes(text);
    assert.deepEqual(
      quotes.map((q) => [q.form, q.text, q.informant, q.anchorId]),
      [
        ['inline', 'vi startet med en sandkasse (...) og det gikk veldig greit', 'FL1', 'k7f3q9x2'],
        ['inline', 'it was fine, really', 'R3', undefined],
        ['block', 'Det var «læring i sandkassa», sa vi. Og så kom\n> superbrukerne inn.', 'FL1', 'two00001'],
      ],
    );
    const first = quotes[0];
    assert.equal(text.slice(first.range.start, first.range.end), '«vi startet med en sandkasse (...) og det gikk veldig greit» (FL1)<!--qda:k7f3q9x2-->');
    assert.equal(text.slice(first.informantRange!.start, first.informantRange!.end), 'FL1');
    assert.equal(text.slice(quotes[1].informantRange!.start, quotes[1].informantRange!.end), 'R3');
  });

  it('keeps nested «…» inside one quote', () => {
    const [q] = findQuotes('Hun sa: «det var «læring i sandkassa», sa vi» (FL1).');
    assert.equal(q.text, 'det var «læring i sandkassa», sa vi');
  });
});

describe('quotes: matching rules', () => {
  it('accepts a quote with every ellipsis form for left-out text', async () => {
    for (const mark of ['(...)', '[...]', '…', '(…)', '[…]', '...']) {
      const r = await statusOf(`«Vi startet med en sandkasse ${mark} ingen var redde for å ødelegge noe» (FL1)<!--qda:sand0001-->`);
      assert.equal(r.status, 'ok', `${mark}: ${r.message}`);
    }
  });

  it('refuses left-out text that is not marked, and names the word that differs', async () => {
    const r = await statusOf('«Vi startet med en sandkasse og ingen var redde» (FL1)<!--qda:sand0001-->');
    assert.equal(r.status, 'mismatch');
    assert.match(r.message!, /“ingen” is not in the source where the quote has it \(the source has “det” after “og”\)/);
  });

  it('refuses a changed word', async () => {
    const r = await statusOf('«Vi startet med en sandkasse, og det gikk ganske greit» (FL1)<!--qda:sand0001-->');
    assert.equal(r.status, 'mismatch');
    assert.match(r.message!, /“ganske” is not in the source where the quote has it \(the source has “veldig” after “gikk”\)/);
  });

  it('accepts a partial quote (text left out at either end)', async () => {
    assert.equal((await statusOf('«Alle fikk prøve seg før oppstart» (FL1)<!--qda:sand0001-->')).status, 'ok');
    assert.equal((await statusOf('«(...) og ingen var redde for å ødelegge noe» (FL1)<!--qda:sand0001-->')).status, 'ok');
  });

  it('is free about whitespace, line breaks, case, punctuation and typographic quote marks', async () => {
    const r = await statusOf('«vi  startet med\nen sandkasse og det gikk veldig greit» (FL1)<!--qda:sand0001-->');
    assert.equal(r.status, 'ok', r.message);
    assert.equal((await statusOf('“Det var ‘læring i sandkassa’, sa vi” (FL1)<!--qda:two00001-->')).status, 'ok');
    assert.equal((await statusOf('«Det var "læring i sandkassa", sa vi» (FL1)<!--qda:two00001-->')).status, 'ok');
  });

  it('compares Norwegian letters exactly: æ, ø and å are not a, o and a', async () => {
    assert.equal((await statusOf('«Ærlig talt så var det øyeåpnende for mange av oss» (FL1)<!--qda:aerlig01-->')).status, 'ok');
    const r = await statusOf('«Ærlig talt sa var det oyeapnende for mange av oss» (FL1)<!--qda:aerlig01-->');
    assert.equal(r.status, 'mismatch');
    assert.match(r.message!, /“sa”/);
  });

  it('accepts a quote spanning two turns of one speaker (label and timestamp are not words)', async () => {
    const r = await statusOf('«Det var «læring i sandkassa», sa vi. Og så kom superbrukerne inn» (FL1)<!--qda:two00001-->');
    assert.equal(r.status, 'ok', r.message);
    const q = await statusOf('«sa vi. FL1 00 00 40 Og så kom» (FL1)<!--qda:two00001-->');
    assert.equal(q.status, 'mismatch', 'the label and timestamp are not the informant’s words');
  });

  it('refuses a quote across speakers', async () => {
    const r = await statusOf('«De hjalp de andre på kontoret. Mm. Ærlig talt» (FL1)<!--qda:across01-->');
    assert.equal(r.status, 'crossSpeakers');
    assert.match(r.message!, /across speakers \(FL1, Intervjuer\)/);
    // One speaker's part of the same coding is fine.
    assert.equal((await statusOf('«De hjalp de andre på kontoret» (FL1)<!--qda:across01-->')).status, 'ok');
  });

  it('checks the informant reference against the speaker of the quoted turn', async () => {
    const r = await statusOf('«Alle fikk prøve seg før oppstart» (FL2)<!--qda:sand0001-->');
    assert.equal(r.status, 'wrongInformant');
    assert.equal(r.expected, 'FL1');
  });

  it('reports an anchor whose coding does not exist', async () => {
    const r = await statusOf('«Alle fikk prøve seg» (FL1)<!--qda:gone0000-->');
    assert.equal(r.status, 'missingCoding');
  });

  it('finds the source of an unanchored quote, its informant, or that it has none', async () => {
    const found = await statusOf('«Alle fikk prøve seg før oppstart» (FL1)');
    assert.equal(found.status, 'unanchored');
    assert.match(found.message!, /transcripts\/FL1.md \(coded 'Sandkasse'\)/);
    assert.equal((await statusOf('«Alle fikk prøve seg før oppstart» (FL2)')).status, 'wrongInformant');
    assert.equal((await statusOf('«Dette sa ingen noen gang» (FL1)')).status, 'noSource');
    // A parenthesis that names no informant is a citation, not a quote to check.
    const project = await makeProject('Begrepet «læring i praksis» (Wenger, 1998) brukes.\n');
    assert.deepEqual(quotesIn(project, 'chapters/kap5.md'), []);
  });

  it('still verifies an anchored quote after the transcript was edited above it', async () => {
    const project = await makeProject('Sitat: «Alle fikk prøve seg før oppstart» (FL1)<!--qda:sand0001-->\n');
    const edited = TRANSCRIPT.replace('Hvordan gikk det med øvingsmiljøet?', 'Hvordan gikk det med øvingsmiljøet, det dere kalte sandkassa?');
    await project.update('transcripts/FL1.md', edited);
    const [r] = quotesIn(project, 'chapters/kap5.md');
    assert.equal(r.status, 'ok', r.message);
    const at = edited.indexOf('Alle fikk prøve seg før oppstart');
    assert.deepEqual([r.source?.doc, r.source?.start, r.source?.end], ['transcripts/FL1.md', at, at + 'Alle fikk prøve seg før oppstart'.length]);
    // A word of the quoted passage changed in the transcript: the quote no longer matches.
    await project.update('transcripts/FL1.md', edited.replace('Alle fikk prøve seg', 'Alle fikk teste seg'));
    assert.equal(quotesIn(project, 'chapters/kap5.md')[0].status, 'mismatch');
  });
});

describe('quotes: formatting', () => {
  it('formats an inline quote in the nb style with the speaker of the quoted turn and the anchor', async () => {
    const project = await makeProject('');
    const q = formatQuote(project, 'aerlig01');
    assert.ok(!('error' in q));
    assert.equal(q.text, '«Ærlig talt så var det øyeåpnende for mange av oss. Det tok tid før nytten ble synlig for alle, men den kom.» (FL1)<!--qda:aerlig01-->');
    assert.equal(q.form, 'inline');
  });

  it('uses “…” in English, strips labels, timestamps and line breaks, and turns inner quotes into ‘…’', async () => {
    const project = await makeProject('', { 'qda.yaml': 'language: en\ninterviewers: [Intervjuer]\n' });
    const q = formatQuote(project, 'two00001');
    assert.ok(!('error' in q));
    assert.equal(q.text, '“Det var «læring i sandkassa», sa vi. Og så kom superbrukerne inn.” (FL1)<!--qda:two00001-->');
    const nb = formatQuote(await makeProject(''), 'two00001');
    assert.ok(!('error' in nb));
    assert.equal(nb.text, '«Det var ‘læring i sandkassa’, sa vi. Og så kom superbrukerne inn.» (FL1)<!--qda:two00001-->');
  });

  it('makes a block quote from blockFromWords words, following qda.yaml quoteStyle', async () => {
    const project = await makeProject('', { 'qda.yaml': 'language: nb\ninterviewers: [Intervjuer]\nquoteStyle:\n  blockFromWords: 20\n  block: "> {text} ({informant}, {timestamp})"\n' });
    const q = formatQuote(project, 'sand0001');
    assert.ok(!('error' in q));
    assert.equal(q.form, 'block');
    assert.equal(q.text, `> ${SANDKASSE} (FL1, 00:00:08)<!--qda:sand0001-->`);
    assert.equal(quoteInsertText('Forrige avsnitt.\nNeste linje.', 'Forrige avsnitt.\n'.length, q), `\n${q.text}\n\n`);
    assert.equal(quoteInsertText('Avsnitt.', 8, q), `\n\n${q.text}\n`);
  });

  it('marks text left out of a partial selection with the configured ellipsis', async () => {
    const project = await makeProject('');
    const part = 'Alle fikk prøve seg før oppstart';
    const s = TRANSCRIPT.indexOf(part);
    const q = formatQuote(project, 'sand0001', { start: s, end: s + part.length });
    assert.ok(!('error' in q));
    assert.equal(q.text, '«(...) Alle fikk prøve seg før oppstart (...)» (FL1)<!--qda:sand0001-->');
    const square = await makeProject('', { 'qda.yaml': 'language: nb\ninterviewers: [Intervjuer]\nquoteStyle: { ellipsis: "[…]" }\n' });
    const first = TRANSCRIPT.indexOf(SANDKASSE);
    const q2 = formatQuote(square, 'sand0001', { start: first, end: first + 'Vi startet med en sandkasse'.length });
    assert.ok(!('error' in q2));
    assert.equal(q2.text, '«Vi startet med en sandkasse […]» (FL1)<!--qda:sand0001-->');
  });

  it('refuses to format a passage across speakers', async () => {
    const q = formatQuote(await makeProject(''), 'across01');
    assert.ok('error' in q);
    assert.match(q.error, /across speakers \(FL1, Intervjuer\)/);
  });

  it('a formatted quote, inserted into a chapter, verifies without diagnostics', async () => {
    const project = await makeProject('');
    for (const id of ['sand0001', 'two00001', 'aerlig01']) {
      const q = formatQuote(project, id);
      assert.ok(!('error' in q));
      await project.update('chapters/kap5.md', `Tekst ${quoteInsertText('Tekst ', 6, q)}\n`);
      const list = quotesIn(project, 'chapters/kap5.md');
      assert.deepEqual(list.map((r) => [r.status, r.quote.anchorId]), [['ok', id]], list[0]?.message);
    }
  });
});

describe('quotes: diagnostics and quick fixes', () => {
  it('reports stable codes through projectDiagnostics() (what `qda check` prints)', async () => {
    const chapter = [
      '«Vi startet med en sandkasse, og det gikk ganske greit» (FL1)<!--qda:sand0001-->',
      '«Alle fikk prøve seg før oppstart» (FL2)<!--qda:sand0001-->',
      '«Alle fikk prøve seg» (FL1)<!--qda:gone0000-->',
      '«Og så kom superbrukerne inn» (FL1)',
      '«Dette sa ingen noen gang» (FL1)',
    ].join('\n\n');
    const project = await makeProject(chapter);
    const diags = projectDiagnostics(project).get('chapters/kap5.md') ?? [];
    assert.deepEqual(diags.map((d) => [d.code, d.severity]), [
      ['qda.quoteMismatch', 'error'],
      ['qda.quoteWrongInformant', 'error'],
      ['qda.quoteMissingCoding', 'warning'],
      ['qda.quoteUnanchored', 'hint'],
      ['qda.quoteNoSource', 'warning'],
    ]);
    assert.equal(quoteDiagnostics(project).length, 5);
  });

  it('quick fixes: update from source, fix the informant, remove the anchor, link the quote', async () => {
    const chapter = [
      'A «Vi startet med en sandkasse, og det gikk ganske greit» (FL1)<!--qda:sand0001--> a.',
      'B «Alle fikk prøve seg før oppstart» (FL2)<!--qda:sand0001--> b.',
      'C «Alle fikk prøve seg» (FL1)<!--qda:gone0000--> c.',
      'D «Og så kom superbrukerne inn» (FL1) d.',
    ].join('\n\n');
    const project = await makeProject(chapter);
    const fix = (line: string, title: RegExp): string => {
      const start = chapter.indexOf(line);
      const fixes = quoteFixes(project, 'chapters/kap5.md', { start, end: start + 5 });
      const chosen = fixes.find((f) => title.test(f.title));
      assert.ok(chosen, `${title} among ${fixes.map((f) => f.title).join(' | ')}`);
      return applyOffsetEdits(chapter, chosen.edits).split('\n\n')[chapter.slice(0, start).split('\n\n').length - 1];
    };
    assert.equal(fix('A «', /Update the quote/), `A «${SANDKASSE}» (FL1)<!--qda:sand0001--> a.`);
    assert.equal(fix('B «', /informant to FL1/), 'B «Alle fikk prøve seg før oppstart» (FL1)<!--qda:sand0001--> b.');
    assert.equal(fix('C «', /Remove the quote’s source anchor/), 'C «Alle fikk prøve seg» (FL1) c.');
    assert.equal(fix('D «', /Link the quote to coding 'Superbrukere'/), 'D «Og så kom superbrukerne inn» (FL1)<!--qda:two00001--> d.');
    // After the fixes, the chapter is clean.
    let fixed = chapter;
    for (const [line, title] of [['A «', /Update/], ['B «', /informant/], ['C «', /Remove/], ['D «', /Link/]] as const) {
      await project.update('chapters/kap5.md', fixed);
      const start = fixed.indexOf(line);
      const f = quoteFixes(project, 'chapters/kap5.md', { start, end: start + 3 }).find((x) => title.test(x.title))!;
      fixed = applyOffsetEdits(fixed, f.edits);
    }
    await project.update('chapters/kap5.md', fixed);
    // Only C is left: without its anchor it is an unanchored quote, found in the transcript.
    assert.deepEqual((projectDiagnostics(project).get('chapters/kap5.md') ?? []).map((d) => [d.code, fixed.slice(d.range.start, d.range.end)]), [['qda.quoteUnanchored', '«Alle fikk prøve seg» (FL1)']]);
  });
});

describe('quotes: the demo thesis and the corpus chapter', () => {
  it('every anchored quote of the demo chapter matches its coding and names the right informant', async () => {
    const project = new Project(new NodeFileSystem(DEMO), 'anna');
    await project.load();
    const all = [...projectQuotes(project).values()].flat();
    assert.equal(all.length, 9);
    assert.deepEqual(all.filter((r) => r.status !== 'ok').map((r) => r.message), []);
    assert.deepEqual(all.map((r) => r.quote.informant), ['FL1', 'R1', 'FL1', 'R3', 'FL2', 'R2', 'R2', 'P1', 'Informant A']);
  });

  it('finds the source of each of the corpus chapter’s 9 unanchored quotes in the demo transcripts', async () => {
    const project = new Project(new NodeFileSystem(DEMO), 'anna');
    await project.load();
    await project.update('chapters/uten-anker.md', readFileSync(path.join(CORPUS, 'kapittel-funn-eksempel.md'), 'utf8'));
    const list = quotesIn(project, 'chapters/uten-anker.md');
    assert.equal(list.length, 9);
    assert.deepEqual(list.filter((r) => r.status !== 'unanchored').map((r) => `${r.status}: ${r.message}`), []);
    for (const r of list) assert.equal(r.source?.speakers[0], r.quote.informant);
  });
});
