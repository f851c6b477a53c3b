// Transcript import: every corpus file imports without losing a word, with the turn and speaker
// counts and timestamps of facts.json; Teams/Zoom/SRT/docx/txt variants; every kind of bad
// input; and the `qda import` command on a real temporary folder.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mammoth from 'mammoth';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { zipSync, strToU8 } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { importTranscript, ImportError, type ImportResult } from '../../server/src/core/import/index';
import { run as runImport } from '../../server/src/cli/import';
import { run as runCheck } from '../../server/src/cli/check';

const CORPUS = [resolve('../shared/corpus'), '/work/shared/corpus'].find((p) => existsSync(join(p, 'facts.json')))!;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const facts = JSON.parse(readFileSync(join(CORPUS, 'facts.json'), 'utf8')).files as Record<string, any>;
const bytesOf = (name: string): Uint8Array => readFileSync(join(CORPUS, name));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Turn {
  label: string;
  ts?: string;
  text: string;
}

function splitOutput(md: string): { frontmatter: Record<string, unknown>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(md);
  assert.ok(m, 'output starts with frontmatter');
  return { frontmatter: parseYaml(m[1]!) as Record<string, unknown>, body: md.slice(m[0].length) };
}

/** Turns as a reader of DESIGN.md's format sees them: paragraphs starting with **Label:**. */
function turnsOf(md: string): Turn[] {
  return splitOutput(md)
    .body.trimEnd().split(/\n\n/)
    .map((p) => /^\*\*([^*\n]+):\*\*(?: \[(\d\d:\d\d:\d\d)\])?(?: ([\s\S]*))?$/.exec(p))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ label: m[1]!, ts: m[2], text: m[3] ?? '' }));
}

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);
/** Words of Markdown with its markup removed (emphasis, heading marks, table pipes and rules). */
const plainWords = (s: string): string[] =>
  words(s.replace(/\*+/g, ''))
    .filter((w) => !/^(#+|\||---)$/.test(w));

function perSpeaker(turns: Turn[]): Record<string, { turns: number; words: number }> {
  const out: Record<string, { turns: number; words: number }> = {};
  for (const t of turns) {
    const s = (out[t.label] ??= { turns: 0, words: 0 });
    s.turns++;
    s.words += words(t.text).length;
  }
  return out;
}

/** An independent reading of a Teams .vtt: the cues' speakers, start times and words. */
function teamsCues(vtt: string): { speaker: string; start: string; text: string }[] {
  const cues: { speaker: string; start: string; text: string }[] = [];
  for (const block of vtt.split(/\n\n+/)) {
    const lines = block.split('\n');
    const t = lines.findIndex((l) => l.includes('-->'));
    if (t < 0) continue;
    const payload = lines.slice(t + 1).join(' ');
    const v = /^<v ([^>]+)>/.exec(payload);
    assert.ok(v, `voice tag in cue ${lines[0]}`);
    cues.push({ speaker: v[1]!, start: lines[t]!.slice(0, 8), text: payload.replace(/<\/?v[^>]*>/g, '') });
  }
  return cues;
}

async function expectImportError(name: string, bytes: Uint8Array, pattern: RegExp, options = {}): Promise<ImportError> {
  try {
    await importTranscript(name, bytes, options);
  } catch (err) {
    assert.ok(err instanceof ImportError, `ImportError, got ${String(err)}`);
    assert.ok(err.message.startsWith(name + ':'), `message names the file: ${err.message}`);
    assert.match(err.message, pattern);
    return err;
  }
  assert.fail(`${name} imported, expected an error matching ${pattern}`);
}

describe('import: Teams WebVTT from the corpus', () => {
  for (const name of ['teams-intervju-FL1.vtt', 'teams-intervju-FL2.vtt', 'teams-intervju-R1.vtt']) {
    describe(name, () => {
      const f = facts[name];
      const informant = Object.keys(f.speakers).find((s) => s !== 'Intervjuer')!;
      let result: ImportResult;
      let turns: Turn[];
      before(async () => {
        result = await importTranscript(name, bytesOf(name));
        turns = turnsOf(result.markdown);
      });

      it('keeps every word of every cue, in order', () => {
        const source = teamsCues(readFileSync(join(CORPUS, name), 'utf8'));
        assert.equal(source.length, f.cues);
        assert.deepEqual(turns.flatMap((t) => words(t.text)), source.flatMap((c) => words(c.text)));
        assert.equal(result.words, f.words);
      });

      it('merges consecutive cues of one speaker into the turns and speakers of facts.json', () => {
        assert.equal(turns.length, f.turns);
        assert.equal(result.turns, f.turns);
        assert.deepEqual(perSpeaker(turns), Object.fromEntries(Object.entries(f.speakers as Record<string, { turns: number; words: number }>).map(([k, v]) => [k, { turns: v.turns, words: v.words }])));
        assert.deepEqual(result.speakers.map((s) => [s.label, s.role, s.turns]), [
          ['Intervjuer', 'interviewer', f.speakers.Intervjuer.turns],
          [informant, 'informant', f.speakers[informant].turns],
        ]);
      });

      it('stamps each turn with the start of its first cue', () => {
        const cues = teamsCues(readFileSync(join(CORPUS, name), 'utf8'));
        const starts = cues.filter((c, i) => i === 0 || cues[i - 1]!.speaker !== c.speaker).map((c) => c.start);
        assert.deepEqual(turns.map((t) => t.ts), starts);
        assert.equal(turns[0]!.ts, f.firstCue.start.slice(0, 8));
        assert.equal(turns[0]!.text, f.firstCue.text);
        assert.ok(turns[turns.length - 1]!.text.endsWith(f.lastCue.text));
      });

      it('has the corpus sentences verbatim (wrapped lines joined with a space)', () => {
        for (const s of f.sentences) assert.equal(result.markdown.split(s.text).length, 2, s.text);
      });

      it('writes the frontmatter of DESIGN.md', () => {
        const { frontmatter } = splitOutput(result.markdown);
        assert.deepEqual(frontmatter, { title: `Intervju med ${informant}`, source: name, informants: [informant] });
        assert.match(result.markdown, new RegExp(`^---\\ntitle: Intervju med ${informant}\\nsource: ${name.replace('.', '\\.')}\\ninformants: \\[${informant}\\]\\n---\\n\\*\\*Intervjuer:\\*\\* \\[`));
        assert.ok(result.markdown.endsWith('\n') && !result.markdown.endsWith('\n\n'));
        assert.ok(!result.markdown.includes('\n\n\n'), 'paragraphs separated by exactly one blank line');
      });
    });
  }
});

describe('import: Markdown transcripts from the corpus', () => {
  for (const name of ['intervju-R2.md', 'interview-R3-en.md']) {
    it(`${name}: keeps frontmatter, turns, timestamps and every word`, async () => {
      const f = facts[name];
      const source = readFileSync(join(CORPUS, name), 'utf8');
      const result = await importTranscript(name, bytesOf(name));
      const { frontmatter, body } = splitOutput(result.markdown);
      for (const [k, v] of Object.entries(f.frontmatter)) {
        const value = frontmatter[k];
        assert.equal(Array.isArray(value) ? `[${value.join(', ')}]` : String(value), v, `frontmatter ${k}`);
      }
      assert.deepEqual(words(body), words(source.slice(f.bodyStartsAt)));
      const turns = turnsOf(result.markdown);
      assert.equal(turns.length, f.turns);
      assert.equal(turns.filter((t) => t.ts).length, f.turnsWithTimestamp);
      assert.deepEqual(perSpeaker(turns), f.speakers);
      assert.equal(result.words, f.words);
      for (const s of f.sentences) assert.equal(result.markdown.split(s.text).length, 2, s.text);
      // Already in the format: light normalisation only, so the file comes back unchanged.
      assert.equal(result.markdown, source);
    });
  }
});

describe('import: focus group .txt from the corpus', () => {
  const name = 'fokusgruppe-kundesenter.txt';
  const f = facts[name];

  it('keeps the header block and every word, finds the 58 turns per speaker', async () => {
    const source = readFileSync(join(CORPUS, name), 'utf8');
    const result = await importTranscript(name, bytesOf(name));
    const { frontmatter, body } = splitOutput(result.markdown);
    assert.ok(body.startsWith(source.slice(0, f.headerEndsAt).trim() + '\n\n**M:** '), 'header kept verbatim before the first turn');
    assert.deepEqual(plainWords(body), words(source));
    const turns = turnsOf(result.markdown);
    assert.equal(turns.length, f.turns);
    assert.deepEqual(perSpeaker(turns), f.speakers);
    assert.deepEqual(frontmatter, { title: 'FOKUSGRUPPE 2 – Kundesenteret', date: '2024-04-09', source: name, informants: ['P1', 'P2', 'P3', 'P4'] });
    assert.equal(result.speakers.find((s) => s.label === 'Flere')?.role, 'group');
    assert.equal(result.speakers.find((s) => s.label === 'M')?.role, 'interviewer');
    for (const s of f.sentences) assert.equal(result.markdown.split(s.text).length, 2, s.text);
  });

  it('gives the same transcript for CRLF, a UTF-8 BOM and UTF-16 with BOM', async () => {
    const source = readFileSync(join(CORPUS, name), 'utf8');
    const expected = (await importTranscript(name, enc(source))).markdown;
    const crlfBom = enc('\uFEFF' + source.replace(/\n/g, '\r\n'));
    assert.equal((await importTranscript(name, crlfBom)).markdown, expected);
    const utf16 = new Uint8Array(2 + source.length * 2);
    utf16[0] = 0xff;
    utf16[1] = 0xfe;
    for (let i = 0; i < source.length; i++) {
      utf16[2 + i * 2] = source.charCodeAt(i) & 0xff;
      utf16[3 + i * 2] = source.charCodeAt(i) >> 8;
    }
    assert.equal((await importTranscript(name, utf16)).markdown, expected);
  });

  it('gives the same transcript for a Teams .vtt with CRLF and BOM', async () => {
    const vtt = readFileSync(join(CORPUS, 'teams-intervju-R1.vtt'), 'utf8');
    const a = await importTranscript('R1.vtt', enc(vtt));
    const b = await importTranscript('R1.vtt', enc('\uFEFF' + vtt.replace(/\n/g, '\r\n')));
    assert.equal(b.markdown, a.markdown);
  });
});

describe('import: Word document from the corpus', () => {
  const name = 'intervju-informant-A.docx';
  const f = facts[name];
  let result: ImportResult;
  before(async () => {
    result = await importTranscript(name, bytesOf(name));
  });

  it('keeps every word of the document, table included, in order', async () => {
    const raw = await mammoth.extractRawText({ buffer: Buffer.from(bytesOf(name)) });
    assert.deepEqual(plainWords(splitOutput(result.markdown).body), words(raw.value));
  });

  it('finds the 41 turns of Intervjuer and Informant A with bold or plain labels', () => {
    const turns = turnsOf(result.markdown);
    assert.equal(turns.length, f.turns);
    assert.deepEqual(perSpeaker(turns), f.speakers);
    assert.deepEqual(result.informants, ['Informant A']);
    for (const s of f.sentences) assert.equal(result.markdown.split(s.text).length, 2, s.text);
  });

  it('keeps headings as headings, the metadata table as a table, bold and italic', () => {
    const { frontmatter, body } = splitOutput(result.markdown);
    assert.deepEqual(frontmatter, { title: f.headings[0].text, date: '2024-02-12', source: name, informants: ['Informant A'] });
    for (const h of f.headings) assert.ok(body.includes(`\n${h.style === 'Heading1' ? '#' : '##'} ${h.text}\n`) || body.startsWith(`# ${h.text}\n`), h.text);
    for (const [k, v] of f.table) assert.ok(body.includes(`| **${k}** | ${v} |`), `table row ${k}`);
    assert.ok(body.includes('der har vi **ikke** lykkes overalt'));
    assert.ok(body.includes('*(ler)*'));
  });
});

describe('import: Word documents with plain labels, labels bold with the space inside, and wide tables', () => {
  it('finds turns however the label is formatted and keeps the table as text', async () => {
    const cell = (t: string) => new TableCell({ children: [new Paragraph(t)] });
    const doc = new Document({
      sections: [{
        children: [
          new Paragraph({ text: 'Intervju med R6', heading: HeadingLevel.HEADING_1 }),
          new Table({ rows: [new TableRow({ children: [cell('Dato'), cell('2024-06-01'), cell('Teams | opptak')] })] }),
          new Paragraph({ children: [new TextRun('Intervjuer: Hvordan var opplæringen?')] }),
          new Paragraph({ children: [new TextRun({ text: 'Kari Nordmann: ', bold: true }), new TextRun('Den var '), new TextRun({ text: 'veldig', italics: true }), new TextRun(' kort.')] }),
          new Paragraph({ text: 'Del 2', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ children: [new TextRun({ text: 'Intervjuer', bold: true }), new TextRun(': Takk.')] }),
        ],
      }],
    });
    const bytes = new Uint8Array(await Packer.toBuffer(doc));
    const r = await importTranscript('r6.docx', bytes, { speakers: { 'Kari Nordmann': 'R6' } });
    assert.equal(
      r.markdown,
      '---\ntitle: Intervju med R6\ndate: 2024-06-01\nsource: r6.docx\ninformants: [R6]\n---\n' +
        '# Intervju med R6\n\n| Dato | 2024-06-01 | Teams \\| opptak |\n| --- | --- | --- |\n\n' +
        '**Intervjuer:** Hvordan var opplæringen?\n\n**R6:** Den var *veldig* kort.\n\n## Del 2\n\n**Intervjuer:** Takk.\n',
    );
  });
});

describe('import: WebVTT features', () => {
  it('handles NOTE/STYLE/REGION blocks, cue settings, tags, entities, empty cues and voice classes', async () => {
    const vtt = [
      'WEBVTT - Teams export',
      'Kind: captions',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'REGION',
      'id:fred width:40%',
      '',
      'NOTE this is',
      'a comment over two lines',
      '',
      'a1b2/1-0',
      '00:00:01.500 --> 00:00:04.000 align:start position:10%',
      '<v.loud Intervjuer>Hei &amp; velkommen, &lt;alle&gt;.</v>',
      '',
      '00:04.000 --> 00:06.000',
      '<v Intervjuer><c.yellow>Hvordan</c> <i>går</i> det?',
      '',
      '3',
      '00:00:06.000 --> 00:00:07.000',
      '<v R9></v>',
      '',
      '00:00:07.250 --> 00:01:09.000 line:0',
      '<v R9>Det går fint,',
      'takk&nbsp;for at du spør.</v>',
      '',
      '01:00:00.000 --> 01:00:02.000',
      '<v R9><00:00:08.000>Og&#33; mer&#x2e;</v>',
      '',
    ].join('\n');
    const r = await importTranscript('features.vtt', enc(vtt));
    assert.equal(
      splitOutput(r.markdown).body,
      '**Intervjuer:** [00:00:01] Hei & velkommen, <alle>. Hvordan går det?\n\n**R9:** [00:00:07] Det går fint, takk for at du spør. Og! mer.\n',
    );
  });

  it('reads Zoom\'s "Name: text" cues and maps real names to codes', async () => {
    const vtt = [
      'WEBVTT',
      '',
      '1',
      '00:00:01.000 --> 00:00:03.000',
      'Ola Student: Takk for at du stiller opp.',
      '',
      '2',
      '00:00:03.500 --> 00:00:06.000',
      'Kari Nordmann: Bare hyggelig. Merk: jeg har dårlig tid.',
      '',
      '3',
      '00:00:06.000 --> 00:00:08.000',
      'Kari Nordmann: Vi kan starte.',
      '',
      '4',
      '00:00:09.000 --> 00:00:10.000',
      'Ola Student: Flott.',
      '',
    ].join('\n');
    const r = await importTranscript('zoom.vtt', enc(vtt), { speakers: { 'Kari Nordmann': 'R4' }, interviewers: ['Ola Student'] });
    assert.equal(
      splitOutput(r.markdown).body,
      '**Intervjuer:** [00:00:01] Takk for at du stiller opp.\n\n**R4:** [00:00:03] Bare hyggelig. Merk: jeg har dårlig tid. Vi kan starte.\n\n**Intervjuer:** [00:00:09] Flott.\n',
    );
    assert.deepEqual(r.informants, ['R4']);
    assert.deepEqual(r.identifiers, { 'Ola Student': 'Intervjuer', 'Kari Nordmann': 'R4' });
    assert.ok(!r.markdown.includes('Kari') && !r.markdown.includes('Ola'), 'no real name left in the transcript');
    assert.deepEqual(r.speakers.map((s) => [s.source, s.label, s.role]), [['Ola Student', 'Intervjuer', 'interviewer'], ['Kari Nordmann', 'R4', 'informant']]);
  });

  it('labels cues without any speaker "Ukjent" and starts a new paragraph after a pause', async () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nFørste linje.\n\n00:00:02.000 --> 00:00:03.000\nFortsetter.\n\n00:00:09.000 --> 00:00:10.000\nEtter en pause.\n';
    const r = await importTranscript('plain.vtt', enc(vtt));
    assert.equal(splitOutput(r.markdown).body, '**Ukjent:** [00:00:01] Første linje. Fortsetter.\n\n**Ukjent:** [00:00:09] Etter en pause.\n');
    assert.equal(r.speakers[0]!.role, 'group');
  });
});

describe('import: SRT', () => {
  it('reads numbered subtitles with Name: prefixes, tags and multi-line text', async () => {
    const srt = [
      '1', '00:00:01,000 --> 00:00:03,200', 'Intervjuer: Hva tenker du om <i>systemet</i>?', '',
      '2', '00:00:03,500 --> 00:00:05,000', 'FL3: Det er bra,', 'stort sett.', '',
      '3', '00:00:05,000 --> 00:00:07,000', 'Men tregt.', '',
      '4', '00:00:08,000 --> 00:00:09,000', 'Intervjuer: Takk.', '',
    ].join('\n');
    const r = await importTranscript('intervju.srt', enc(srt));
    assert.equal(
      splitOutput(r.markdown).body,
      '**Intervjuer:** [00:00:01] Hva tenker du om systemet?\n\n**FL3:** [00:00:03] Det er bra, stort sett. Men tregt.\n\n**Intervjuer:** [00:00:08] Takk.\n',
    );
    assert.deepEqual(r.informants, ['FL3']);
  });

  it('names the line of a malformed timing', async () => {
    const err = await expectImportError('bad.srt', enc('1\n00:00:01,000 --> 00:00:02,000\nIntervjuer: Hei.\n\n2\n00:00:0x,000 --> 00:00:03,000\nHei.\n'), /malformed subtitle timing/);
    assert.equal(err.line, 6);
    assert.match(err.message, /^bad\.srt:6: /);
  });
});

describe('import: plain text', () => {
  it('keeps a header with metadata, reads [hh:mm:ss] before or after the label, keeps non-turn paragraphs', async () => {
    const txt = [
      'Intervju 4',
      'Dato: 03.05.2024',
      'Sted: Teams',
      '',
      '[00:00:04] Intervjuer: Hei.',
      '',
      '**Kari Nordmann:** [00:00:06] Hei, hei.',
      'Fortsatt samme tur.',
      '',
      '(opptaket stoppet)',
      '',
      'Intervjuer: Da fortsetter vi.',
      '',
    ].join('\n');
    const r = await importTranscript('intervju-4.txt', enc(txt), { speakers: { 'kari nordmann': 'R5' } });
    assert.equal(
      r.markdown,
      '---\ntitle: Intervju 4\ndate: 2024-05-03\nsource: intervju-4.txt\ninformants: [R5]\n---\n' +
        'Intervju 4\nDato: 03.05.2024\nSted: Teams\n\n**Intervjuer:** [00:00:04] Hei.\n\n**R5:** [00:00:06] Hei, hei. Fortsatt samme tur.\n\n(opptaket stoppet)\n\n**Intervjuer:** Da fortsetter vi.\n',
    );
    assert.deepEqual(r.identifiers, { 'Kari Nordmann': 'R5' });
  });

  it('uses an English title for --language en', async () => {
    const r = await importTranscript('x.txt', enc('Interviewer: Hi.\n\nR7: Hello.\n'), { language: 'en' });
    assert.equal(r.title, 'Interview with R7');
  });
});

describe('import: bad input gets one clear error naming the file', () => {
  it('an empty file', async () => {
    await expectImportError('tom.vtt', new Uint8Array(0), /is empty/);
    await expectImportError('tom.txt', enc('\uFEFF \n\n  \n'), /is empty/);
    await expectImportError('tom.docx', new Uint8Array(0), /is empty/);
  });
  it('a binary file', async () => {
    await expectImportError('bilde.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /binary/);
  });
  it('invalid UTF-8, with the line', async () => {
    const bytes = new Uint8Array([...enc('Intervjuer: Hei.\n\nR1: Bl'), 0xe5, ...enc('b\u00e6r.\n')]);
    const err = await expectImportError('latin1.txt', bytes, /not valid UTF-8/);
    assert.equal(err.line, 3);
  });
  it('a file over the size limit', async () => {
    await expectImportError('stor.txt', enc('Intervjuer: Hei.\n\nR1: Hei.\n'), /over the import limit of 10 bytes/, { maxBytes: 10 });
    await expectImportError('stor.docx', bytesOf('intervju-informant-A.docx'), /over the import limit/, { maxBytes: 1000 });
  });
  it('a .vtt without the WEBVTT header', async () => {
    const err = await expectImportError('teams.vtt', enc('00:00:01.000 --> 00:00:02.000\n<v A>Hei</v>\n'), /not a WebVTT file/);
    assert.equal(err.line, 1);
  });
  it('a .vtt with a malformed cue timing or a stray block: the cue is left out (as browsers do) with a warning naming the line', async () => {
    // Issue 21: refusing the whole file lost every good cue; vtt.js and browsers skip the bad one.
    const x = await importTranscript('x.vtt', enc('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Hei</v>\n\n00:00:02.000 --> soon\n<v A>Hallo</v>\n'));
    assert.equal(splitOutput(x.markdown).body, '**A:** [00:00:01] Hei\n');
    assert.equal(x.warnings.length, 1);
    assert.match(x.warnings[0]!, /^x\.vtt:6: malformed cue timing "00:00:02\.000 --> soon".*left out: "<v A>Hallo<\/v>"/);
    // A block without a timing line right after a cue: a blank line inside the cue; its words are kept.
    const y = await importTranscript('y.vtt', enc('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Hei</v>\n\nid\nstray text\n'));
    assert.equal(splitOutput(y.markdown).body, '**A:** [00:00:01] Hei id stray text\n');
    assert.match(y.warnings[0]!, /^y\.vtt:6: a blank line inside the cue of line 3/);
    // Only bad cues: no cues, with the line of the first bad timing.
    const e = await expectImportError('z.vtt', enc('WEBVTT\n\n00:00:02.000 --> soon\n<v A>Hallo</v>\n'), /has no cues: "00:00:02\.000 --> soon" is not a cue timing/);
    assert.equal(e.line, 3);
  });
  it('a .docx that is not a zip, or a zip that is not a Word document', async () => {
    await expectImportError('notat.docx', enc('Intervjuer: Hei.\n'), /not a Word document/);
    await expectImportError('arkiv.docx', zipSync({ 'readme.txt': strToU8('hei') }), /ZIP archive but not a Word document/);
  });
  it('a text without any speaker turn', async () => {
    await expectImportError('notat.txt', enc('Bare et notat.\n\nUten talere.\n'), /no speaker turns/);
  });
  it('an unsupported format', async () => {
    await expectImportError('intervju.pdf', enc('%PDF-1.7'), /"\.pdf" is not a transcript format/);
  });
});

describe('qda import (command line)', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = () => ({ stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: dir });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qda-import-'));
    out = [];
    err = [];
    mkdirSync(join(dir, 'raw'));
    for (const f of ['teams-intervju-FL1.vtt', 'fokusgruppe-kundesenter.txt', 'intervju-informant-A.docx']) writeFileSync(join(dir, 'raw', f), bytesOf(f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes transcripts/<name>.md for each file and reports the speakers', async () => {
    const code = await runImport(['raw/teams-intervju-FL1.vtt', 'raw/fokusgruppe-kundesenter.txt', 'raw/intervju-informant-A.docx'], io());
    assert.equal(code, 0, err.join(''));
    assert.deepEqual(readdirSync(join(dir, 'transcripts')).sort(), ['fokusgruppe-kundesenter.md', 'intervju-informant-A.md', 'teams-intervju-FL1.md']);
    const fl1 = readFileSync(join(dir, 'transcripts/teams-intervju-FL1.md'), 'utf8');
    assert.equal(fl1, (await importTranscript('teams-intervju-FL1.vtt', bytesOf('teams-intervju-FL1.vtt'))).markdown);
    assert.match(out.join(''), /raw\/teams-intervju-FL1\.vtt → transcripts\/teams-intervju-FL1\.md: 60 turns, 2640 words; speakers: Intervjuer \(interviewer, 30 turns\), FL1 \(informant, 30 turns\)/);
    assert.ok(!existsSync(join(dir, '.qda')), 'no identifiers file without a mapping');
  });

  it('never overwrites without --force, and writes nothing when one file is bad', async () => {
    assert.equal(await runImport(['raw/teams-intervju-FL1.vtt'], io()), 0);
    writeFileSync(join(dir, 'transcripts/teams-intervju-FL1.md'), 'edited by hand\n');
    err = [];
    assert.equal(await runImport(['raw/fokusgruppe-kundesenter.txt', 'raw/teams-intervju-FL1.vtt'], io()), 1);
    assert.match(err.join(''), /^transcripts\/teams-intervju-FL1\.md already exists .*--force/);
    assert.equal(readFileSync(join(dir, 'transcripts/teams-intervju-FL1.md'), 'utf8'), 'edited by hand\n');
    assert.ok(!existsSync(join(dir, 'transcripts/fokusgruppe-kundesenter.md')), 'nothing written');

    writeFileSync(join(dir, 'raw/broken.vtt'), 'not a vtt');
    err = [];
    assert.equal(await runImport(['raw/fokusgruppe-kundesenter.txt', 'raw/broken.vtt', '--force'], io()), 1);
    assert.equal(err.join('').split('\n')[0], 'raw/broken.vtt:1: is not a WebVTT file: the first line must be "WEBVTT"');
    assert.ok(!existsSync(join(dir, 'transcripts/fokusgruppe-kundesenter.md')), 'nothing written');

    assert.equal(await runImport(['raw/teams-intervju-FL1.vtt', '--force'], io()), 0);
    assert.notEqual(readFileSync(join(dir, 'transcripts/teams-intervju-FL1.md'), 'utf8'), 'edited by hand\n');
  });

  it('maps real names to codes, saves them in .qda/identifiers.yaml and ignores that file in git', async () => {
    writeFileSync(join(dir, 'raw/zoom.vtt'), 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nOla Student: Hei.\n\n2\n00:00:02.000 --> 00:00:04.000\nKari Nordmann: Hei på deg.\n\n3\n00:00:05.000 --> 00:00:06.000\nKari Nordmann: Ja.\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/');
    writeFileSync(join(dir, 'qda.yaml'), 'language: nb\n'); // the project the identifiers belong to
    const code = await runImport(['raw/zoom.vtt', '--speaker', 'Kari Nordmann=R2', '--interviewer', 'Ola Student', '--out', 'intervjuer'], io());
    assert.equal(code, 0, err.join(''));
    const md = readFileSync(join(dir, 'intervjuer/zoom.md'), 'utf8');
    assert.ok(md.includes('**R2:** [00:00:02] Hei på deg. Ja.') && !md.includes('Kari'));
    assert.deepEqual(parseYaml(readFileSync(join(dir, '.qda/identifiers.yaml'), 'utf8')), { 'Ola Student': 'Intervjuer', 'Kari Nordmann': 'R2' });
    assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), 'node_modules/\n.qda/identifiers.yaml\n');

    // A second import adds to the file and leaves .gitignore alone.
    writeFileSync(join(dir, 'raw/zoom2.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nPer Hansen: Hei.\n\n00:00:03.000 --> 00:00:04.000\nPer Hansen: Hallo.\n');
    assert.equal(await runImport(['raw/zoom2.vtt', '--speaker=Per Hansen=R3', '-o', 'intervjuer'], io()), 0);
    assert.deepEqual(parseYaml(readFileSync(join(dir, '.qda/identifiers.yaml'), 'utf8')), { 'Ola Student': 'Intervjuer', 'Kari Nordmann': 'R2', 'Per Hansen': 'R3' });
    assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), 'node_modules/\n.qda/identifiers.yaml\n');
  });

  it('warns about a --speaker that matched nobody, and rejects bad arguments', async () => {
    assert.equal(await runImport(['raw/teams-intervju-FL1.vtt', '--speaker', 'Nobody=R9'], io()), 0);
    assert.match(err.join(''), /--speaker "Nobody=R9": no speaker "Nobody"/);
    err = [];
    assert.equal(await runImport(['--speaker', 'R9', 'raw/teams-intervju-FL1.vtt'], io()), 2);
    assert.match(err.join(''), /--speaker needs "Name=CODE"/);
    err = [];
    assert.equal(await runImport([], io()), 2);
    assert.match(err.join(''), /no files given/);
    err = [];
    assert.equal(await runImport(['raw/missing.vtt'], io()), 1);
    assert.equal(err.join(''), 'raw/missing.vtt: no such file\n');
  });

  it('plans what it writes as the editor does: a code mapped to a code is no real name; the identifiers line goes back into .gitignore', async () => {
    // Issue 16: `qda import` and the editor's import share core/import/writes.ts (planWrites).
    writeFileSync(join(dir, 'qda.yaml'), 'language: nb\n');
    writeFileSync(join(dir, 'raw/codes.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nInformant A: Hei.\n\n00:00:03.000 --> 00:00:04.000\nInformant A: Ja.\n');
    assert.equal(await runImport(['raw/codes.vtt', '--speaker', 'Informant A=Informant B'], io()), 0, err.join(''));
    assert.match(readFileSync(join(dir, 'transcripts/codes.md'), 'utf8'), /\*\*Informant B:\*\* \[00:00:01\] Hei\. Ja\./);
    assert.ok(!existsSync(join(dir, '.qda/identifiers.yaml')), 'no real name was mapped, so no identifiers file');
    assert.ok(!existsSync(join(dir, '.gitignore')));
    assert.doesNotMatch(out.join(''), /real names/);

    // An identifiers file whose line was taken out of .gitignore gets it back on the next import.
    mkdirSync(join(dir, '.qda'));
    writeFileSync(join(dir, '.qda/identifiers.yaml'), 'Per Hansen: R3\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
    writeFileSync(join(dir, 'raw/zoom.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nKari Nordmann: Hei.\n');
    out = [];
    assert.equal(await runImport(['raw/zoom.vtt', '--speaker', 'Kari Nordmann=R2'], io()), 0, err.join(''));
    assert.deepEqual(parseYaml(readFileSync(join(dir, '.qda/identifiers.yaml'), 'utf8')), { 'Per Hansen': 'R3', 'Kari Nordmann': 'R2' });
    assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), 'node_modules/\n.qda/identifiers.yaml\n');
    assert.ok(out.join('').includes('real names → codes saved in .qda/identifiers.yaml (added to .gitignore)'), out.join(''));
  });

  it('round trip: after importing the corpus, `qda check` is clean', async () => {
    for (const f of ['intervju-R2.md', 'interview-R3-en.md', 'teams-intervju-R1.vtt']) writeFileSync(join(dir, 'raw', f), bytesOf(f));
    writeFileSync(join(dir, 'qda.yaml'), 'language: nb\ninterviewers: [Intervjuer, Interviewer, M]\n');
    const files = readdirSync(join(dir, 'raw')).map((f) => `raw/${f}`);
    assert.equal(await runImport(files, io()), 0, err.join(''));
    out = [];
    const code = await runCheck([dir], io());
    assert.equal(out.join(''), '0 errors, 0 warnings, 0 notes\n');
    assert.equal(code, 0);
  });
});

describe('demo thesis (examples/demo-thesis, built by scripts/build-demo.mjs)', () => {
  const DEMO = resolve('examples/demo-thesis');
  const SOURCES: Record<string, string> = {
    'teams-intervju-FL1.md': 'teams-intervju-FL1.vtt',
    'teams-intervju-FL2.md': 'teams-intervju-FL2.vtt',
    'teams-intervju-R1.md': 'teams-intervju-R1.vtt',
    'intervju-R2.md': 'intervju-R2.md',
    'interview-R3-en.md': 'interview-R3-en.md',
    'fokusgruppe-kundesenter.md': 'fokusgruppe-kundesenter.txt',
    'intervju-informant-A.md': 'intervju-informant-A.docx',
  };
  const text = (rel: string): string => readFileSync(join(DEMO, rel), 'utf8');
  type DemoCoding = { id: string; doc: string; start: number; end: number; code: string; exact: string; prefix: string; suffix: string; coder: string; at: string };
  /** A coder's files, one per transcript (.qda/codings/<coder>/transcripts/<name>.jsonl), in name order. */
  const codingsFilesOf = (coder: string): string[] =>
    readdirSync(join(DEMO, '.qda/codings', coder, 'transcripts')).sort().map((f) => `.qda/codings/${coder}/transcripts/${f}`);
  const linesOf = (coder: string): string[] => codingsFilesOf(coder).flatMap((f) => text(f).trimEnd().split('\n'));
  const codingsOf = (coder: string): DemoCoding[] => linesOf(coder).map((l) => JSON.parse(l) as DemoCoding);
  const codebookCodes = (): string[] => [...text('codebook.md').matchAll(/^- \*\*(.+?)\*\*/gm)].map((m) => m[1]!);

  it('has the seven corpus interviews as the importer writes them', async () => {
    assert.deepEqual(readdirSync(join(DEMO, 'transcripts')).sort(), Object.keys(SOURCES).sort());
    for (const [out, src] of Object.entries(SOURCES)) {
      const r = await importTranscript(src, bytesOf(src), { interviewers: ['Intervjuer', 'Interviewer', 'M'], language: src.includes('-en') ? 'en' : 'nb' });
      assert.equal(text(`transcripts/${out}`), r.markdown, out);
    }
  });

  it('has a codebook of at least 3 themes, 6 groups and 25 codes, two of them in vivo', () => {
    const cb = text('codebook.md');
    assert.ok(cb.match(/^## (?!Ukategorisert)/gm)!.length >= 3);
    assert.ok(cb.match(/^### /gm)!.length >= 6);
    assert.match(cb, /^## Ukategorisert$/m);
    const codes = codebookCodes();
    assert.ok(codes.length >= 25, `${codes.length} codes`);
    assert.ok(codes.filter((c) => /^«.+»$/.test(c)).length >= 2);
    assert.equal(new Set(codes.map((c) => c.normalize('NFC').toLowerCase())).size, codes.length, 'code names unique');
  });

  for (const [coder, min] of [['anna', 80], ['bjorn', 25]] as const) {
    it(`${coder}: ${min}+ codings that point at their exact text, sorted, with codebook codes, one file per transcript`, () => {
      const codings = codingsOf(coder);
      assert.ok(codings.length >= min, `${codings.length} codings`);
      for (const f of codingsFilesOf(coder)) {
        const doc = f.slice(`.qda/codings/${coder}/`.length, -'.jsonl'.length);
        assert.ok(text(f).trimEnd().split('\n').every((l) => (JSON.parse(l) as DemoCoding).doc === doc), `${f} holds only ${doc}'s codings`);
      }
      const codes = new Set(codebookCodes());
      const lines = linesOf(coder);
      codings.forEach((c, i) => {
        assert.deepEqual(Object.keys(c), ['id', 'doc', 'start', 'end', 'code', 'exact', 'prefix', 'suffix', 'coder', 'at']);
        assert.match(c.id, /^[0-9a-z]{8}$/);
        assert.equal(c.coder, coder);
        assert.ok(codes.has(c.code), `code ${c.code} in codebook`);
        const doc = text(c.doc);
        assert.equal(doc.slice(c.start, c.end), c.exact);
        assert.equal(c.prefix, doc.slice(Math.max(0, c.start - 32), c.start));
        assert.equal(c.suffix, doc.slice(c.end, c.end + 32));
        assert.equal(lines[i], JSON.stringify(c));
        if (i > 0) {
          const p = codings[i - 1]!;
          const order = p.doc !== c.doc ? (p.doc < c.doc ? -1 : 1) : p.start !== c.start ? p.start - c.start : p.code !== c.code ? (p.code < c.code ? -1 : 1) : p.id < c.id ? -1 : 1;
          assert.ok(order < 0, `sorted at line ${i + 1}`);
        }
      });
    });
  }

  it('uses every code but at most one, and the two coders both agree and disagree', () => {
    const anna = codingsOf('anna');
    const bjorn = codingsOf('bjorn');
    const used = new Set([...anna, ...bjorn].map((c) => c.code));
    assert.ok(codebookCodes().filter((c) => !used.has(c)).length <= 1);
    const key = (c: { doc: string; start: number; end: number }) => `${c.doc}:${c.start}:${c.end}`;
    const annaBy = new Map(anna.map((c) => [key(c), c.code]));
    const same = bjorn.filter((c) => annaBy.get(key(c)) === c.code).length;
    const other = bjorn.filter((c) => annaBy.has(key(c)) && annaBy.get(key(c)) !== c.code).length;
    assert.ok(same >= 10 && other >= 3, `${same} agreeing, ${other} disagreeing`);
  });

  it('anchors chapter quotes to codings whose words they quote', () => {
    const chapter = text('chapters/kapittel-5-funn.md');
    const byId = new Map(codingsOf('anna').map((c) => [c.id, c]));
    const anchored = [...chapter.matchAll(/(?:«([^»]+)»|^> (.+?)) \(([^)]+)\)<!--qda:([0-9a-z]{8})-->/gms)];
    assert.ok(anchored.length >= 3);
    for (const m of anchored) {
      const quote = (m[1] ?? m[2])!;
      const coding = byId.get(m[4]!);
      assert.ok(coding, `coding ${m[4]} exists`);
      const parts = quote.split(/\s*\(\.\.\.\)\s*/).map((p) => words(p).join(' '));
      let at = 0;
      const source = words(coding.exact).join(' ');
      for (const p of parts) {
        const i = source.indexOf(p, at);
        assert.ok(i >= 0, `"${p}" in coding ${coding.id}`);
        at = i + p.length;
      }
      assert.ok(turnsOf(text(coding.doc)).some((t) => t.label === m[3] && t.text.includes(coding.exact)), `${m[3]} says it`);
    }
  });

  it('marks codings files and review logs for union merges and has theory notes linked from the codebook', () => {
    assert.equal(text('.gitattributes'), '.qda/codings/**/*.jsonl merge=union\n.qda/reviews/*.jsonl merge=union\n');
    for (const note of ['Wenger 1998', 'Tjora 2021', 'Davis 1989']) {
      assert.ok(existsSync(join(DEMO, `memos/teori/${note}.md`)), note);
      assert.ok(text('codebook.md').includes(`[[${note}]]`), `codebook links ${note}`);
    }
  });
});
