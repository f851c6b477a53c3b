// Core tests on in-memory folders: parsers, the codings store, the index, link resolution,
// diagnostics and the coding operations, checked against the corpus facts.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { scanTranscript, shiftTurns } from '../../server/src/core/parse/transcript';
import { appendCodeEdit, parseCodebook } from '../../server/src/core/parse/codebook';
import { codingsFilePosition, insertCodingEdit, parseCodingsFile, patchCodingsFile, removeCodingEdits, serializeCodings } from '../../server/src/core/parse/codings';
import { findLinks, linkPrefixAt } from '../../server/src/core/parse/links';
import { parseConfig } from '../../server/src/core/parse/config';
import { applyOffsetEdits, applyToDisk, codeRange, recodeCoding, uncodeRange } from '../../server/src/core/ops/operations';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';
import { LineIndex } from '../../server/src/core/text/text';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const corpus = (name: string): string => readFileSync(path.join(CORPUS, name), 'utf8');
const facts = JSON.parse(corpus('facts.json')) as { files: Record<string, any> };

const INTERVIEWERS = ['Intervjuer', 'Interviewer', 'M'];

function coding(partial: Partial<Coding> & Pick<Coding, 'doc' | 'start' | 'end' | 'code'>, text: string): Coding {
  return { id: partial.id ?? `id${partial.start}`, coder: 'anna', at: '2026-11-23T10:00:00Z', ...makeQuoteSelector(text, partial.start, partial.end), ...partial };
}

describe('transcript scanner', () => {
  for (const [file, informant] of [['intervju-R2.md', 'R2'], ['interview-R3-en.md', 'R3']] as const) {
    it(`finds the turns, speakers and words of ${file} as the corpus facts say`, () => {
      const f = facts.files[file];
      const { transcript } = scanTranscript(`transcripts/${file}`, corpus(file), INTERVIEWERS);
      assert.equal(transcript.turns.length, f.turns);
      assert.equal(transcript.bodyStart, f.bodyStartsAt);
      assert.equal(transcript.words, f.words);
      assert.equal(transcript.turns.filter((t) => t.timestamp).length, f.turnsWithTimestamp);
      const bySpeaker = new Map<string, { turns: number; words: number }>();
      for (const t of transcript.turns) {
        const s = bySpeaker.get(t.label) ?? { turns: 0, words: 0 };
        s.turns++;
        s.words += t.words;
        bySpeaker.set(t.label, s);
      }
      for (const [label, expected] of Object.entries(f.speakers as Record<string, { turns: number; words: number }>)) {
        assert.deepEqual(bySpeaker.get(label), { turns: expected.turns, words: expected.words }, label);
      }
      assert.deepEqual(transcript.informants, [informant]);
      assert.equal(transcript.frontmatter.date instanceof Date || typeof transcript.frontmatter.date === 'string', true);
    });
  }

  it('reads the focus group .txt with `Label:` turns and skips its header block', () => {
    const f = facts.files['fokusgruppe-kundesenter.txt'];
    const text = corpus('fokusgruppe-kundesenter.txt');
    const { transcript } = scanTranscript('transcripts/fokusgruppe.txt', text, INTERVIEWERS);
    assert.equal(transcript.turns.length, f.turns);
    assert.equal(transcript.turns[0].start, f.headerEndsAt);
    const counts: Record<string, number> = {};
    for (const t of transcript.turns) counts[t.label] = (counts[t.label] ?? 0) + 1;
    for (const [label, s] of Object.entries(f.speakers as Record<string, { turns: number }>)) assert.equal(counts[label], s.turns, label);
    assert.ok(!transcript.informants.includes('M'), 'the moderator is not an informant');
  });

  it('reads CRLF text and timestamps', () => {
    const text = '---\r\ntitle: T\r\n---\r\n**Intervjuer:** [00:00:05] Hei?\r\n\r\n**FL9:** [00:01:02] Ja, hei.\r\n';
    const { transcript } = scanTranscript('transcripts/t.md', text, INTERVIEWERS);
    assert.equal(transcript.title, 'T');
    assert.deepEqual(transcript.turns.map((t) => [t.label, t.timestamp, text.slice(t.textStart, t.end)]), [
      ['Intervjuer', '00:00:05', 'Hei?'],
      ['FL9', '00:01:02', 'Ja, hei.'],
    ]);
  });
});

describe('shifting turns on keystrokes', () => {
  it('gives the same turns and words as a rescan after 800 seeded edits, or asks for a rescan', () => {
    let text = corpus('intervju-R2.md');
    const transcript = scanTranscript('transcripts/R2.md', text, INTERVIEWERS).transcript;
    let seed = 11;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const pieces = ['a', ' ', 'ord', 'æøå ', '', '😀', '\n', '**', ':', 'x y'];
    let shifted = 0;
    let rescans = 0;
    for (let step = 0; step < 800; step++) {
      const start = rnd(text.length);
      const end = Math.min(text.length, start + (rnd(3) === 0 ? rnd(12) : 0));
      const insert = pieces[rnd(pieces.length)];
      const after = text.slice(0, start) + insert + text.slice(end);
      if (shiftTurns(transcript, text, [{ start, end, text: insert }], after)) shifted++;
      else {
        rescans++;
        Object.assign(transcript, scanTranscript('transcripts/R2.md', after, INTERVIEWERS).transcript);
      }
      text = after;
      const fresh = scanTranscript('transcripts/R2.md', text, INTERVIEWERS).transcript;
      assert.deepEqual(transcript.turns, fresh.turns, `step ${step}: ${JSON.stringify(insert)} at ${start}..${end}`);
      assert.equal(transcript.words, fresh.words, `step ${step}`);
    }
    assert.ok(shifted > 250 && rescans > 50, `both paths exercised (${shifted} shifted, ${rescans} rescans)`);
  });
});

describe('line index on keystrokes', () => {
  it('moves along through edits without line breaks and gives the positions of a fresh index', () => {
    let text = corpus('interview-R3-en.md');
    let index = new LineIndex(text);
    let seed = 5;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let moved = 0;
    for (let step = 0; step < 400; step++) {
      const start = rnd(text.length);
      const end = Math.min(text.length, start + rnd(4));
      const insert = ['x', '', 'ord ', '\n', 'æ😀'][rnd(5)];
      const after = text.slice(0, start) + insert + text.slice(end);
      const next = index.shifted([{ start, end, text: insert }], after);
      index = next ?? new LineIndex(after);
      if (next) moved++;
      text = after;
      const fresh = new LineIndex(text);
      for (const o of [0, start, Math.floor(text.length / 2), text.length]) assert.deepEqual(index.positionAt(o), fresh.positionAt(o), `step ${step}`);
      assert.equal(index.lineCount, fresh.lineCount);
    }
    assert.ok(moved > 200, `${moved} edits moved the index`);
  });

  it('adopts an equal copy of its text and answers as before', () => {
    const text = corpus('interview-R3-en.md');
    const index = new LineIndex(text);
    const copy = (text + ' ').slice(0, -1);
    const before = [0, 100, text.length].map((o) => index.positionAt(o));
    index.adopt(copy);
    assert.equal(index.text, copy);
    assert.deepEqual([0, 100, text.length].map((o) => index.positionAt(o)), before);
  });
});

describe('codebook parser', () => {
  const text = corpus('kodebok-eksempel.md');
  const { codebook, diagnostics } = parseCodebook('codebook.md', text);

  it('reads the corpus example: title, categories, codes with descriptions', () => {
    assert.deepEqual(diagnostics, []);
    assert.equal(codebook.title, 'Kodebok – innføring av nytt CRM-system');
    assert.equal(codebook.codes.length, 16);
    assert.equal(codebook.categories.filter((c) => c.level === 2).length, 4); // 3 themes + Ukategorisert
    const sandkasse = codebook.codes.find((c) => c.name === '«læring i sandkassa»');
    assert.ok(sandkasse);
    assert.deepEqual(sandkasse.categoryPath, ['Kompetanse og opplæring', 'Sandkasse og superbrukere']);
    assert.equal(sandkasse.description, 'in vivo; informanten beskriver øvingsmiljøet.');
    assert.equal(text.slice(sandkasse.nameRange.start, sandkasse.nameRange.end), '«læring i sandkassa»');
    assert.equal(codebook.uncategorisedName, 'Ukategorisert');
    const cat = codebook.categories.find((c) => c.name === 'Ledelse av innføringen')!;
    assert.equal(cat.description, 'Hvordan førstelinjelederne gikk foran, ga tid og håndterte motstand.');
  });

  it('reads nested items as child codes', () => {
    const { codebook: cb } = parseCodebook('codebook.md', '## Tema\n\n- **Foreldre** — topp\n  - **Barn** — under\n');
    assert.deepEqual(cb.codes.map((c) => [c.name, c.parentCode, c.children]), [
      ['Foreldre', undefined, ['Barn']],
      ['Barn', 'Foreldre', []],
    ]);
  });

  it('appends a new code to the uncategorised section, in the same list', () => {
    const edit = appendCodeEdit(text, codebook, 'Ny kode', 'nb');
    const next = applyOffsetEdits(text, [edit]);
    assert.ok(next.endsWith('## Ukategorisert\n- **Språk som barriere**\n- **Ny kode**\n'), next.slice(-80));
    const reparsed = parseCodebook('codebook.md', next).codebook;
    assert.deepEqual(reparsed.codes.find((c) => c.name === 'Ny kode')?.categoryPath, ['Ukategorisert']);
  });

  it('creates the uncategorised section when it is missing, and escapes markdown in names', () => {
    const src = '# Kodebok\n\n## Tema\n- **A**\n';
    const cb = parseCodebook('codebook.md', src).codebook;
    const next = applyOffsetEdits(src, [appendCodeEdit(src, cb, 'x*y_z', 'en')]);
    assert.equal(next, '# Kodebok\n\n## Tema\n- **A**\n\n## Uncategorised\n\n- **x\\*y\\_z**\n');
    assert.deepEqual(parseCodebook('codebook.md', next).codebook.codes.map((c) => c.name), ['A', 'x*y_z']);
  });
});

describe('codings store', () => {
  it('keeps malformed lines, reports their line numbers and blocks rewriting', () => {
    const good = '{"id":"a1","doc":"t.md","start":1,"end":5,"code":"K","exact":"abcd","prefix":"","suffix":"","coder":"anna","at":"x","note":"kept"}';
    const file = parseCodingsFile('.qda/codings/anna.jsonl', 'anna', `${good}\n{"id": broken\n\n{"id":"b","doc":"t.md","start":9,"end":2,"code":"K"}\n`);
    assert.equal(file.lines.length, 1);
    assert.deepEqual(file.lines[0].coding.extra, { note: 'kept' });
    assert.deepEqual(file.diagnostics.map((d) => [d.code, /Line (\d+)/.exec(d.message)?.[1]]), [
      ['qda.codingsMalformed', '2'],
      ['qda.codingsMalformed', '4'],
    ]);
    assert.match(file.writeBlocked ?? '', /line 2/);
  });

  it('detects git conflict markers and tolerates union-merge duplicates', () => {
    const line = '{"id":"a1","doc":"t.md","start":1,"end":5,"code":"K"}';
    const conflicted = parseCodingsFile('c.jsonl', 'anna', `<<<<<<< HEAD\n${line}\n=======\n>>>>>>> other\n`);
    assert.ok(conflicted.diagnostics.some((d) => d.code === 'qda.codingsConflict'));
    assert.ok(conflicted.writeBlocked);
    const union = parseCodingsFile('c.jsonl', 'anna', `${line}\n${line}\n`);
    assert.equal(union.lines.length, 1);
    assert.deepEqual(union.diagnostics, []);
  });

  it('serialises sorted by doc, start, code, id with a stable key order', () => {
    const text = 'abcdefghij';
    const a = coding({ id: 'z', doc: 'b.md', start: 0, end: 2, code: 'A' }, text);
    const b = coding({ id: 'y', doc: 'a.md', start: 5, end: 6, code: 'B' }, text);
    const c = coding({ id: 'x', doc: 'a.md', start: 5, end: 6, code: 'A' }, text);
    const out = serializeCodings([a, b, c]).trim().split('\n').map((l) => JSON.parse(l) as Coding);
    assert.deepEqual(out.map((o) => o.id), ['x', 'y', 'z']);
    assert.deepEqual(Object.keys(out[0]), ['id', 'doc', 'start', 'end', 'code', 'exact', 'prefix', 'suffix', 'coder', 'at']);
  });
});

describe('patching a codings file with whole-line edits', () => {
  it('gives what a full parse gives, through 300 seeded inserts and removals', () => {
    const doc = corpus('intervju-R2.md');
    let n = 0;
    const make = (start: number): Coding => coding({ id: `p${n++}`, doc: 'transcripts/R2.md', start, end: start + 20, code: `K${start % 7}` }, doc);
    // Blank lines (as hand edits and merges leave them) must not throw line numbers off.
    let text = serializeCodings(Array.from({ length: 40 }, (_, i) => make(i * 150))).replace('\n', '\n\n') + '\n';
    let file = parseCodingsFile('.qda/codings/anna.jsonl', 'anna', text);
    let seed = 3;
    const rnd = (m: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % m);
    let patched = 0;
    for (let step = 0; step < 300; step++) {
      const edit = rnd(2) === 0 || file.lines.length < 3
        ? insertCodingEdit(file, text, make(rnd(doc.length - 30)))
        : removeCodingEdits(file, text, new Set([file.lines[rnd(file.lines.length)].coding.id]))[0];
      const next = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
      const viaPatch = patchCodingsFile(file, text, { start: edit.start, end: edit.end, text: edit.newText })?.file;
      const full = parseCodingsFile('.qda/codings/anna.jsonl', 'anna', next);
      assert.ok(viaPatch, `step ${step}: a whole-line edit is patched`);
      patched++;
      assert.deepEqual(viaPatch.lines.map((l) => [l.line, l.start, l.end, l.coding]), full.lines.map((l) => [l.line, l.start, l.end, l.coding]), `step ${step}`);
      text = next;
      file = viaPatch;
      // Positions from the parsed lines agree with a line index of the whole text.
      const li = new LineIndex(text);
      for (const offset of [edit.start, text.length, ...file.lines.slice(0, 3).flatMap((l) => [l.start, l.end])]) {
        const p = codingsFilePosition(file, text, offset);
        if (p) assert.deepEqual(p, li.positionAt(offset), `step ${step}, offset ${offset}`);
      }
      assert.ok(codingsFilePosition(file, text, text.length), 'the end of the file is known');
    }
    assert.equal(patched, 300);
    // Not whole lines, a malformed new line or a duplicate id: left to the full parse.
    assert.equal(patchCodingsFile(file, text, { start: 3, end: 3, text: 'x' }), undefined);
    assert.equal(patchCodingsFile(file, text, { start: 0, end: 0, text: '{"id": broken\n' }), undefined);
    assert.equal(patchCodingsFile(file, text, { start: 0, end: 0, text: text.slice(file.lines[0].start, file.lines[0].end) + '\n' }), undefined);
  });
});

describe('links', () => {
  it('finds [[links]] with aliases, skipping code spans and fenced code', () => {
    const text = 'Se [[Wenger 1998]] og [[Kode|vist]].\n`[[ikke]]`\n```\n[[heller ikke]]\n```\n';
    const links = findLinks(text);
    assert.deepEqual(links.map((l) => [l.target, l.alias, text.slice(l.targetRange.start, l.targetRange.end)]), [
      ['Wenger 1998', undefined, 'Wenger 1998'],
      ['Kode', 'vist', 'Kode'],
    ]);
    assert.deepEqual(linkPrefixAt('Se [[Wen', 8), { start: 5, typed: 'Wen' });
  });
});

describe('config', () => {
  it('reports a qda.yaml that does not parse with its line, and falls back to defaults', () => {
    const { config, diagnostics } = parseConfig('language: nb\ninformants: [FL1\ncoder: anna\n');
    assert.equal(diagnostics[0].code, 'qda.configParse');
    assert.match(diagnostics[0].message, /line \d/);
    assert.equal(config.codebook, 'codebook.md');
  });
  it("says why qda.yaml does not parse in one sentence, without the YAML library's own position", () => {
    const { diagnostics } = parseConfig('informants:\n  R1: { role: leder\n  R2: { role: x }\n');
    assert.equal(diagnostics[0].message, 'qda.yaml does not parse (line 3): Flow map in block collection must be sufficiently indented and end with a }. Using default settings.');
  });
  it('reads informants with attributes and language-dependent quote style', () => {
    const { config } = parseConfig('language: en\ninformants:\n  FL1: { role: leder }\n');
    assert.deepEqual(config.informants, { FL1: { role: 'leder' } });
    assert.equal(config.quoteStyle.inline, '“{text}” ({informant})');
  });
});

function demoFs(): MemoryFileSystem {
  return new MemoryFileSystem({
    'qda.yaml': 'coder: anna\ninterviewers: [Intervjuer]\n',
    'codebook.md': '# Kodebok\n\n## Læring\nSe [[Wenger 1998]].\n\n- **«læring i sandkassa»** — in vivo\n- **Superbrukere** — kolleger som hjelper\n- **superbrukere** — duplikat\n\n## Ukategorisert\n- **Kundeinnsikt**\n',
    'transcripts/R2.md': corpus('intervju-R2.md'),
    'memos/teori/Wenger 1998.md': '# Praksisfellesskap\n\nKobles til [[Superbrukere]] og [[Læring]] og [[Finnes ikke]].\n',
    'chapters/kap5.md': '# Funn\n\n[[«læring i sandkassa»]]\n',
  });
}

describe('project index', () => {
  it('resolves links to codes, categories and notes (by file name or title) and reports the rest', async () => {
    const project = new Project(demoFs());
    await project.load();
    assert.equal(project.resolveLink('superbrukere')?.kind, 'code');
    assert.equal(project.resolveLink('Læring')?.kind, 'category');
    assert.deepEqual(project.resolveLink('Wenger 1998'), { kind: 'note', path: 'memos/teori/Wenger 1998.md', title: 'Praksisfellesskap' });
    assert.equal(project.resolveLink('Praksisfellesskap')?.kind, 'note');
    const diags = [...projectDiagnostics(project).values()].flat();
    const unresolved = diags.filter((d) => d.code === 'qda.unresolvedLink');
    assert.deepEqual(unresolved.map((d) => [d.path, d.data?.target]), [['memos/teori/Wenger 1998.md', 'Finnes ikke']]);
    const dup = diags.filter((d) => d.code === 'qda.duplicateCode');
    assert.equal(dup.length, 1);
    assert.match(dup[0].message, /'superbrukere'.*line 7/);
  });

  it('codes a selection: one sorted line in the coder file, informant attributed, codebook untouched', async () => {
    const fs = demoFs();
    const project = new Project(fs);
    await project.load();
    const text = project.textOf('transcripts/R2.md')!;
    const sentence = 'Vi kalte det «læring i sandkassa», for det var et sted der du kunne prøve uten at noe ble ødelagt.';
    const start = text.indexOf(sentence);
    assert.equal(start, facts.files['intervju-R2.md'].sentences[0].utf16.start);
    // Leading/trailing whitespace in the selection is trimmed away.
    const result = codeRange(project, 'transcripts/R2.md', start - 1, start + sentence.length + 1, '«LÆRING i sandkassa»', { now: new Date('2026-11-23T10:02:11.123Z'), id: 'k7f3q9x2' });
    assert.equal(result.error, undefined);
    // The coder's codings of this transcript have a file of their own.
    assert.deepEqual(result.edits.map((e) => e.path), ['.qda/codings/anna/transcripts/R2.md.jsonl']);
    await applyToDisk(project, result);
    const line = JSON.parse((await fs.readText('.qda/codings/anna/transcripts/R2.md.jsonl'))!.trim()) as Coding;
    assert.deepEqual({ ...line, prefix: undefined, suffix: undefined }, {
      id: 'k7f3q9x2', doc: 'transcripts/R2.md', start, end: start + sentence.length, code: '«læring i sandkassa»',
      exact: sentence, prefix: undefined, suffix: undefined, coder: 'anna', at: '2026-11-23T10:02:11Z',
    });
    assert.equal(line.prefix, text.slice(start - 32, start));
    assert.equal(line.suffix, text.slice(start + sentence.length, start + sentence.length + 32));
    const counts = project.countsOfCode('«læring i sandkassa»');
    assert.deepEqual([counts.codings, counts.informants], [1, ['R2']]);
    // Coding the same passage again with the same code is refused.
    assert.match(codeRange(project, 'transcripts/R2.md', start, start + sentence.length, '«læring i sandkassa»').error ?? '', /already coded/);
  });

  it('creates a missing code under Ukategorisert, then removes codings and asks which when several apply', async () => {
    const fs = demoFs();
    const project = new Project(fs);
    await project.load();
    const text = project.textOf('transcripts/R2.md')!;
    const start = text.indexOf('Hun sa at det er lov');
    const end = start + 40;
    assert.match(codeRange(project, 'transcripts/R2.md', start, end, 'Lederens tålmodighet').error ?? '', /no code 'Lederens tålmodighet'/);
    await applyToDisk(project, codeRange(project, 'transcripts/R2.md', start, end, 'Lederens tålmodighet', { create: true }));
    await applyToDisk(project, codeRange(project, 'transcripts/R2.md', start + 10, end + 10, 'Kundeinnsikt'));
    assert.ok((await fs.readText('codebook.md'))!.endsWith('## Ukategorisert\n- **Kundeinnsikt**\n- **Lederens tålmodighet**\n'));
    assert.deepEqual(project.findCode('Lederens tålmodighet')?.categoryPath, ['Ukategorisert']);
    const ask = uncodeRange(project, 'transcripts/R2.md', start + 12, start + 14);
    assert.deepEqual(ask.candidates, ['Kundeinnsikt', 'Lederens tålmodighet']);
    assert.deepEqual(ask.edits, []);
    const removal = uncodeRange(project, 'transcripts/R2.md', start + 12, start + 14, 'Kundeinnsikt');
    assert.equal(removal.removed, 1);
    await applyToDisk(project, removal);
    const lines = (await fs.readText('.qda/codings/anna/transcripts/R2.md.jsonl'))!.trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as Coding).code), ['Lederens tålmodighet']);
  });

  it('recodes one coding to another code in place (one line changed, the codebook only for a new code), and refuses what it must', async () => {
    const fs = demoFs();
    const project = new Project(fs);
    await project.load();
    const text = project.textOf('transcripts/R2.md')!;
    const start = text.indexOf('Hun sa at det er lov');
    const coded = codeRange(project, 'transcripts/R2.md', start, start + 40, 'Kundeinnsikt');
    await applyToDisk(project, coded);
    await applyToDisk(project, codeRange(project, 'transcripts/R2.md', start + 50, start + 60, 'Superbrukere'));
    const id = coded.codingId!;
    const before = (await fs.readText('.qda/codings/anna/transcripts/R2.md.jsonl'))!.split('\n');
    const codebookBefore = (await fs.readText('codebook.md'))!;

    assert.match(recodeCoding(project, id, 'Finnes ikke').error ?? '', /no code 'Finnes ikke'/);
    assert.match(recodeCoding(project, id, 'kundeinnsikt').error ?? '', /already coded 'Kundeinnsikt'/);
    assert.match(recodeCoding(project, 'nope', 'Superbrukere').error ?? '', /no coding nope/);

    const moved = recodeCoding(project, id, 'superbrukere');
    assert.equal(moved.error, undefined);
    assert.deepEqual(moved.edits.map((e) => e.path), ['.qda/codings/anna/transcripts/R2.md.jsonl']);
    await applyToDisk(project, moved);
    const after = (await fs.readText('.qda/codings/anna/transcripts/R2.md.jsonl'))!.split('\n');
    assert.equal(after.length, before.length);
    const changed = after.filter((l, i) => l !== before[i]);
    assert.equal(changed.length, 1, 'exactly one line changes');
    assert.deepEqual({ ...(JSON.parse(changed[0]) as Coding), code: 'x' }, { ...(JSON.parse(before[after.indexOf(changed[0])]) as Coding), code: 'x' });
    assert.equal((JSON.parse(changed[0]) as Coding).code, 'Superbrukere', 'the canonical name from the codebook');
    assert.equal(await fs.readText('codebook.md'), codebookBefore);
    assert.deepEqual(project.countsOfCode('Kundeinnsikt').codings, 0);
    assert.deepEqual(project.codingsOfCode('Superbrukere').map((i) => i.coding.id).filter((x) => x === id), [id], 'the segments of the new code list it');
    assert.deepEqual(project.codingsOfCode('Kundeinnsikt').map((i) => i.coding.id), []);

    const created = recodeCoding(project, id, 'Lov å bruke tid', { create: true });
    await applyToDisk(project, created);
    assert.ok((await fs.readText('codebook.md'))!.endsWith('- **Lov å bruke tid**\n'));
    assert.equal(project.countsOfCode('Lov å bruke tid').codings, 1);

    // Another coder's coding is not mine to move.
    const other = new Project(fs, 'bo');
    await fs.writeAtomic('qda.yaml', 'interviewers: [Intervjuer]\n');
    await other.load();
    assert.match(recodeCoding(other, id, 'Kundeinnsikt').error ?? '', /anna's; only your own codings \(bo\)/);
  });

  it('reports codings naming a code the codebook lacks, orphans, and refuses to write a malformed codings file', async () => {
    const fs = demoFs();
    const text = corpus('intervju-R2.md');
    const ok = coding({ id: 'ok', doc: 'transcripts/R2.md', start: 300, end: 320, code: 'Ukjent kode' }, text);
    const orphan = { ...coding({ id: 'orph', doc: 'transcripts/R2.md', start: 400, end: 420, code: 'Kundeinnsikt' }, text), exact: 'tekst som ikke finnes' };
    await fs.writeAtomic('.qda/codings/anna.jsonl', JSON.stringify(ok) + '\n' + JSON.stringify(orphan) + '\nnot json\n');
    const project = new Project(fs);
    await project.load();
    const diags = projectDiagnostics(project).get('.qda/codings/anna.jsonl')!;
    assert.deepEqual(diags.map((d) => d.code).sort(), ['qda.codingsMalformed', 'qda.orphanCoding', 'qda.unknownCode']);
    assert.match(diags.find((d) => d.code === 'qda.codingsMalformed')!.message, /Line 3/);
    assert.ok(projectDiagnostics(project).get('transcripts/R2.md')?.some((d) => d.code === 'qda.orphanCoding'));
    // The malformed file is never written: removing a coding that lives in it is refused …
    const refused = uncodeRange(project, 'transcripts/R2.md', 305, 310);
    assert.match(refused.error ?? '', /line 3 is not a valid coding/);
    // … while a new coding goes to the coder's file for this transcript, which is fine.
    const coded = codeRange(project, 'transcripts/R2.md', 500, 520, 'Kundeinnsikt');
    assert.deepEqual([coded.error, coded.edits.map((e) => e.path)], [undefined, ['.qda/codings/anna/transcripts/R2.md.jsonl']]);
    // A malformed line in that file blocks writing it.
    await fs.writeAtomic('.qda/codings/anna/transcripts/R2.md.jsonl', '{"id":\n');
    await project.update('.qda/codings/anna/transcripts/R2.md.jsonl', '{"id":\n');
    assert.match(codeRange(project, 'transcripts/R2.md', 500, 520, 'Kundeinnsikt').error ?? '', /R2\.md\.jsonl line 1 is not a valid coding/);
  });
  
  it('patches the index for a large rewrite of a codings file exactly as a fresh load builds it', async () => {
    const fs = demoFs();
    const text = corpus('intervju-R2.md');
    const codes = ['Kundeinnsikt', 'Superbrukere', '«læring i sandkassa»'];
    const file = '.qda/codings/anna/transcripts/R2.md.jsonl';
    // 1,200 codings over the transcript; then a fifth of them move by a few characters (as
    // re-anchored offsets written back do), some change code, some go, some come.
    const many = Array.from({ length: 1200 }, (_, i) => {
      const start = 100 + ((i * 37) % (text.length - 300));
      return coding({ id: `c${String(i).padStart(4, '0')}`, doc: 'transcripts/R2.md', start, end: start + 20 + (i % 50), code: codes[i % 3]! }, text);
    });
    const lines = (cs: Coding[]): string => serializeCodings(cs);
    await fs.writeAtomic(file, lines(many));
    const project = new Project(fs);
    await project.load();
    for (const c of codes) project.countsOfCode(c); // fill the counts cache
    const moved = many.flatMap((c, i) => {
      if (i % 97 === 0) return []; // removed
      const shift = i % 5 === 1 ? 3 : 0;
      const code = i % 89 === 0 ? codes[(i + 1) % 3]! : c.code;
      return [coding({ id: c.id, doc: c.doc, start: c.start + shift, end: c.end + shift, code }, text)];
    });
    moved.push(coding({ id: 'new0001', doc: 'transcripts/R2.md', start: 2000, end: 2050, code: 'Kundeinnsikt' }, text));
    await fs.writeAtomic(file, lines(moved));
    await project.update(file, lines(moved));
    const fresh = new Project(fs);
    await fresh.load();
    const view = (p: Project) => ({
      counts: codes.map((c) => p.countsOfCode(c)),
      doc: p.codingsOfDoc('transcripts/R2.md').map((i) => [i.coding.id, i.coding.start, i.coding.end, i.coding.code, i.informants.join(',')].join(' ')),
      byCode: codes.map((c) => p.codingsOfCode(c).map((i) => i.coding.id).sort()),
    });
    assert.deepEqual(view(project), view(fresh));
    assert.equal(project.codingsOfDoc('transcripts/R2.md').length, moved.length);
  });

  it('keeps an open transcript\'s unsaved text and shifted codings when qda.yaml changes', async () => {
    const fs = demoFs();
    const text = corpus('intervju-R2.md');
    const sentence = 'Vi kalte det «læring i sandkassa»';
    const start = text.indexOf(sentence);
    await fs.writeAtomic('.qda/codings/anna/transcripts/R2.md.jsonl', JSON.stringify(coding({ id: 's1', doc: 'transcripts/R2.md', start, end: start + sentence.length, code: 'Kundeinnsikt' }, text)) + '\n');
    const project = new Project(fs);
    await project.load();
    project.openTranscript('transcripts/R2.md', text);
    const edited = text.slice(0, start) + 'Altså, ' + text.slice(start);
    project.editTranscript('transcripts/R2.md', [{ start, end: start, text: 'Altså, ' }], edited);
    const placed = () => project.codingsOfDoc('transcripts/R2.md').map((i) => [i.coding.start, i.anchored]);
    assert.deepEqual(placed(), [[start + 7, true]]);
    // qda.yaml edited (here: another interviewer label) while R2 has unsaved edits.
    await project.update('qda.yaml', 'coder: anna\ninterviewers: [Intervjuer, Moderator]\n');
    assert.equal(project.textOf('transcripts/R2.md'), edited);
    assert.ok(project.isLive('transcripts/R2.md'));
    assert.deepEqual(placed(), [[start + 7, true]]);
    // Typing goes on shifting from there.
    project.editTranscript('transcripts/R2.md', [{ start: 0, end: 0, text: 'x' }], 'x' + edited);
    assert.deepEqual(placed(), [[start + 8, true]]);
  });

  it('reads both layouts: a coder file and per-transcript files, each coding edited where it lives', async () => {
    const fs = demoFs();
    const text = corpus('intervju-R2.md');
    const old = coding({ id: 'old1', doc: 'transcripts/R2.md', start: 300, end: 320, code: 'Kundeinnsikt' }, text);
    const shard = coding({ id: 'new1', doc: 'transcripts/R2.md', start: 310, end: 330, code: 'Kundeinnsikt' }, text);
    const bjorn = { ...coding({ id: 'bj1', doc: 'transcripts/R2.md', start: 305, end: 325, code: 'Kundeinnsikt' }, text), coder: 'bjorn' };
    await fs.writeAtomic('.qda/codings/anna.jsonl', JSON.stringify(old) + '\n');
    await fs.writeAtomic('.qda/codings/anna/transcripts/R2.md.jsonl', JSON.stringify(shard) + '\n');
    await fs.writeAtomic('.qda/codings/bjorn/transcripts/R2.md.jsonl', JSON.stringify(bjorn) + '\n');
    // Not codings: an editor's hidden temp file, and a file outside a coder's folder.
    await fs.writeAtomic('.qda/codings/anna/.R2.md.jsonl.123.tmp.jsonl', 'junk\n');
    const project = new Project(fs);
    await project.load();
    assert.equal(project.roleOf('.qda/codings/anna/.R2.md.jsonl.123.tmp.jsonl'), 'other');
    assert.deepEqual(project.codingsOfDoc('transcripts/R2.md').map((i) => [i.coding.id, i.file]).sort(), [
      ['bj1', '.qda/codings/bjorn/transcripts/R2.md.jsonl'],
      ['new1', '.qda/codings/anna/transcripts/R2.md.jsonl'],
      ['old1', '.qda/codings/anna.jsonl'],
    ]);
    assert.deepEqual(project.stats().codingsPerCoder, { anna: 2, bjorn: 1 });
    // Removing anna's codings there edits both of her files, and not bjorn's.
    const removal = uncodeRange(project, 'transcripts/R2.md', 315, 316);
    assert.deepEqual(removal.edits.map((e) => e.path).sort(), ['.qda/codings/anna.jsonl', '.qda/codings/anna/transcripts/R2.md.jsonl']);
    assert.equal(removal.removed, 2);
    await applyToDisk(project, removal);
    assert.equal(await fs.readText('.qda/codings/anna.jsonl'), '');
    assert.equal(await fs.readText('.qda/codings/anna/transcripts/R2.md.jsonl'), '');
    assert.deepEqual(project.codingsOfDoc('transcripts/R2.md').map((i) => i.coding.id), ['bj1']);
  });
});
