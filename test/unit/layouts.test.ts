// Issue 22: the layouts transcription tools write (Teams and Otter .docx/.txt, older Teams .docx,
// Zoom's transcript, f4transkript, noScribe and Whisper), each built here from its layout (no
// real interview is committed). Each: at least three turns and two speakers, every word in
// order, the speaker of every turn, its timestamp, and the layout the importer recognised.
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { parse as parseYaml } from 'yaml';
import { ImportError, importTranscript, type ImportOptions, type ImportResult } from '../../server/src/core/import/index';
import { run as runImport } from '../../server/src/cli/import';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function docx(paragraphs: string[]): Promise<Uint8Array> {
  const doc = new Document({ sections: [{ children: paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })) }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

interface Turn {
  speaker: string;
  ts?: string;
  text: string;
}

/** The turns of the importer's Markdown as a reader of DESIGN.md's format sees them. */
function turnsOf(r: ImportResult): Turn[] {
  const body = r.markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  return body
    .trimEnd()
    .split('\n\n')
    .map((p) => /^\*\*([^*\n]+):\*\*(?: \[(\d\d:\d\d:\d\d)\])?(?: ([\s\S]*))?$/.exec(p))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ speaker: m[1]!, ts: m[2], text: m[3] ?? '' }));
}

function frontmatterOf(r: ImportResult): Record<string, unknown> {
  return parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(r.markdown)![1]!) as Record<string, unknown>;
}

async function importError(name: string, bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportError> {
  try {
    await importTranscript(name, bytes, options);
  } catch (err) {
    assert.ok(err instanceof ImportError, String(err));
    assert.ok(err.message.startsWith(`${name}:`), err.message);
    return err;
  }
  assert.fail(`${name} imported`);
}

const TEAMS_TURNS: Turn[] = [
  { speaker: 'Kari Nordmann', ts: '00:00:03', text: 'Hei, og takk for at du stiller opp i dag.' },
  { speaker: 'Ola Hansen', ts: '00:00:09', text: 'Takk selv. Jeg har gledet meg, faktisk.' },
  { speaker: 'Kari Nordmann', ts: '00:14:20', text: 'Kan du fortelle om den første uka med systemet?' },
  { speaker: 'Ola Hansen', ts: '01:02:03', text: 'Ja. Den var kaotisk: ingen visste hvor kundene lå.' },
];

describe('import layouts (issue 22): speaker and time on a line of their own, the words below', () => {
  it('Teams .docx transcript download ("Kari Nordmann   0:03", long meetings "1:02:03")', async () => {
    const bytes = await docx([
      'Intervju med Ola',
      'Kari Nordmann   0:03',
      'Hei, og takk for at du stiller opp i dag.',
      'Ola Hansen   0:09',
      'Takk selv. Jeg har gledet meg, faktisk.',
      'Kari Nordmann   14:20',
      'Kan du fortelle om den første uka med systemet?',
      'Ola Hansen   1:02:03',
      'Ja. Den var kaotisk: ingen visste hvor kundene lå.',
    ]);
    const r = await importTranscript('teams.docx', bytes, { interviewers: ['Kari Nordmann'] });
    assert.equal(r.layout, 'speaker-time');
    assert.deepEqual(turnsOf(r), TEAMS_TURNS.map((t) => ({ ...t, speaker: t.speaker === 'Kari Nordmann' ? 'Intervjuer' : t.speaker })));
    assert.deepEqual(r.speakers.map((s) => [s.source, s.role, s.turns]), [['Kari Nordmann', 'interviewer', 2], ['Ola Hansen', 'informant', 2]]);
    assert.equal(frontmatterOf(r).title, 'Intervju med Ola');
  });

  it('Otter .txt export ("Speaker 1  0:00", a blank line between turns, a turn over two lines)', async () => {
    const txt = [
      'Speaker 1  0:00',
      'So how did the first week go?',
      '',
      'Speaker 2  0:04',
      'Honestly, it was chaos. Nobody knew',
      'where the customer records were.',
      '',
      'Speaker 1  0:15',
      'And the second week?',
      '',
      'Speaker 2  1:01:07',
      'Better.',
      '',
    ].join('\n');
    const r = await importTranscript('otter.txt', enc(txt), { language: 'en' });
    assert.equal(r.layout, 'speaker-time');
    assert.deepEqual(turnsOf(r), [
      { speaker: 'Speaker 1', ts: '00:00:00', text: 'So how did the first week go?' },
      { speaker: 'Speaker 2', ts: '00:00:04', text: 'Honestly, it was chaos. Nobody knew where the customer records were.' },
      { speaker: 'Speaker 1', ts: '00:00:15', text: 'And the second week?' },
      { speaker: 'Speaker 2', ts: '01:01:07', text: 'Better.' },
    ]);
    // Both are speakers to map to codes, neither is taken for the interviewer.
    assert.deepEqual(r.speakers.map((s) => [s.source, s.role]), [['Speaker 1', 'informant'], ['Speaker 2', 'informant']]);
  });

  it('one space between name and time is not recognised by itself, but read with --layout speaker-time', async () => {
    const txt = 'Kari Nordmann 0:03\nHei.\n\nOla Hansen 0:09\nHei, hei.\n\nKari Nordmann 0:15\nDa starter vi.\n';
    const err = await importError('en-mellomrom.txt', enc(txt));
    assert.match(err.message, /no layout recognised/);
    const r = await importTranscript('en-mellomrom.txt', enc(txt), { layout: 'speaker-time' });
    assert.deepEqual(turnsOf(r), [
      { speaker: 'Kari Nordmann', ts: '00:00:03', text: 'Hei.' },
      { speaker: 'Ola Hansen', ts: '00:00:09', text: 'Hei, hei.' },
      { speaker: 'Kari Nordmann', ts: '00:00:15', text: 'Da starter vi.' },
    ]);
  });

  it('Otter .docx export (a name, two spaces, the time; the paragraph below)', async () => {
    const bytes = await docx(['Kari Nordmann  0:00', 'Hvordan gikk det?', 'Ola Hansen  0:05', 'Helt fint.', 'Kari Nordmann  0:09', 'Bra. Og så?', 'Ola Hansen  0:12', 'Så ble det verre.']);
    const r = await importTranscript('otter.docx', bytes);
    assert.equal(r.layout, 'speaker-time');
    assert.deepEqual(turnsOf(r), [
      { speaker: 'Kari Nordmann', ts: '00:00:00', text: 'Hvordan gikk det?' },
      { speaker: 'Ola Hansen', ts: '00:00:05', text: 'Helt fint.' },
      { speaker: 'Kari Nordmann', ts: '00:00:09', text: 'Bra. Og så?' },
      { speaker: 'Ola Hansen', ts: '00:00:12', text: 'Så ble det verre.' },
    ]);
  });

  it('older Teams .docx ("0:0:0.0 --> 0:0:3.720", the name, the words; one speaker\'s cues in a row are one turn)', async () => {
    const bytes = await docx([
      '0:0:0.0 --> 0:0:3.720',
      'Kari Nordmann',
      'Hei, og velkommen.',
      '0:0:3.720 --> 0:0:8.100',
      'Ola Hansen',
      'Takk.',
      '0:0:8.100 --> 0:0:12.0',
      'Ola Hansen',
      'Det var hyggelig å bli spurt.',
      '0:0:12.0 --> 0:1:2.500',
      'Kari Nordmann',
      'Hva gjør du til daglig?',
      '1:2:3.0 --> 1:2:9.0',
      'Ola Hansen',
      'Jeg sitter i kundesenteret.',
    ]);
    const r = await importTranscript('teams-gammel.docx', bytes);
    assert.equal(r.layout, 'teams-cues');
    assert.deepEqual(turnsOf(r), [
      { speaker: 'Kari Nordmann', ts: '00:00:00', text: 'Hei, og velkommen.' },
      { speaker: 'Ola Hansen', ts: '00:00:03', text: 'Takk. Det var hyggelig å bli spurt.' },
      { speaker: 'Kari Nordmann', ts: '00:00:12', text: 'Hva gjør du til daglig?' },
      { speaker: 'Ola Hansen', ts: '01:02:03', text: 'Jeg sitter i kundesenteret.' },
    ]);
  });

  it('reports a broken speaker line, a speaker line without words, and a broken timing line', async () => {
    const bad = await importError('teams.docx', await docx(['Kari Nordmann   0:03', 'Hei.', 'Ola Hansen   0:9', 'Hei.', 'Kari Nordmann   0:12', 'Ok.']));
    assert.match(bad.message, /^teams\.docx: paragraph 3: "Ola Hansen {2}0:9" looks like a speaker-and-time line, but "0:9" is not a time/);
    const empty = await importError('otter.txt', enc('Speaker 1  0:00\nHi.\n\nSpeaker 2  0:04\n\nSpeaker 1  0:09\nBye.\n'));
    assert.equal(empty.line, 4);
    assert.match(empty.message, /^otter\.txt:4: the speaker line "Speaker 2 {2}0:04" has no words after it/);
    const timing = await importError('gammel.docx', await docx(['0:0:0.0 --> 0:0:3.720', 'Kari', 'Hei.', '0:0:3.720 --> 0:0:x', 'Ola', 'Hei.']));
    assert.match(timing.message, /^gammel\.docx: paragraph 4: malformed timing line "0:0:3\.720 --> 0:0:x"/);
  });
});

describe('import layouts (issue 22): Zoom, f4transkript, noScribe and Whisper', () => {
  it('Zoom\'s saved transcript (.txt): "[Kari Nordmann] 10:02:03", the words on the next line', async () => {
    const txt = [
      '[Kari Nordmann] 10:02:03',
      'Hei, hører du meg?',
      '[Ola Hansen] 10:02:09',
      'Ja, nå hører jeg deg.',
      '[Kari Nordmann] 10:02:15',
      'Fint. Da begynner vi.',
      '',
    ].join('\n');
    const r = await importTranscript('zoom.txt', enc(txt), { speakers: { 'Ola Hansen': 'FL3' } });
    assert.equal(r.layout, 'zoom-chat');
    assert.deepEqual(turnsOf(r), [
      { speaker: 'Kari Nordmann', ts: '10:02:03', text: 'Hei, hører du meg?' },
      { speaker: 'FL3', ts: '10:02:09', text: 'Ja, nå hører jeg deg.' },
      { speaker: 'Kari Nordmann', ts: '10:02:15', text: 'Fint. Da begynner vi.' },
    ]);
    assert.deepEqual(r.identifiers, { 'Ola Hansen': 'FL3' });
    const broken = await importError('zoom.txt', enc(txt.replace('[Ola Hansen] 10:02:09', '[Ola Hansen] 10:0x:09')));
    assert.equal(broken.line, 3);
    assert.match(broken.message, /looks like a "\[Name\] hh:mm:ss" line/);
  });

  it('f4transkript (.txt and .docx): the #hh:mm:ss-d# mark becomes the turn\'s timestamp and leaves the text', async () => {
    const paragraphs = ['I: Wie war das? #00:00:12-3#', 'B: Am Anfang schwierig. Dann ging es. #00:00:15-8#', 'I: Und heute? #00:01:20-1#', 'B: Heute läuft es gut. #01:00:02-0#'];
    const expected: Turn[] = [
      { speaker: 'I', ts: '00:00:12', text: 'Wie war das?' },
      { speaker: 'B', ts: '00:00:15', text: 'Am Anfang schwierig. Dann ging es.' },
      { speaker: 'I', ts: '00:01:20', text: 'Und heute?' },
      { speaker: 'B', ts: '01:00:02', text: 'Heute läuft es gut.' },
    ];
    const fromTxt = await importTranscript('f4.txt', enc(paragraphs.join('\n\n') + '\n'), { language: 'en' });
    assert.equal(fromTxt.layout, 'f4');
    assert.deepEqual(turnsOf(fromTxt), expected);
    assert.ok(!fromTxt.markdown.includes('#0'), 'no f4 mark stays');
    assert.deepEqual(fromTxt.speakers.map((s) => [s.source, s.role]), [['I', 'interviewer'], ['B', 'informant']]);
    const fromDocx = await importTranscript('f4.docx', await docx(paragraphs));
    assert.equal(fromDocx.layout, 'f4');
    assert.deepEqual(turnsOf(fromDocx), expected);
    const broken = await importError('f4.txt', enc(paragraphs.join('\n\n').replace('#00:00:15-8#', '#00:00:158#')));
    assert.equal(broken.line, 3);
    assert.match(broken.message, /"#00:00:158#" looks like an f4 time mark/);
  });

  it('noScribe / Whisper diarisation labels (S00:, SPEAKER_00:) are speakers offered for mapping', async () => {
    const noScribe = '[00:00:01] S00: Velkommen til intervjuet.\n\n[00:00:04] S01: Takk for det.\n\n[00:00:09] S00: Hva jobber du med?\n\n[00:00:12] S01: Kundeservice.\n';
    const r = await importTranscript('noscribe.txt', enc(noScribe));
    assert.equal(r.layout, 'diarised');
    assert.deepEqual(turnsOf(r), [
      { speaker: 'S00', ts: '00:00:01', text: 'Velkommen til intervjuet.' },
      { speaker: 'S01', ts: '00:00:04', text: 'Takk for det.' },
      { speaker: 'S00', ts: '00:00:09', text: 'Hva jobber du med?' },
      { speaker: 'S01', ts: '00:00:12', text: 'Kundeservice.' },
    ]);
    assert.deepEqual(r.speakers.map((s) => [s.source, s.role]), [['S00', 'informant'], ['S01', 'informant']]);
    // Whisper (WhisperX-style): one segment per line, no blank lines; mapped on import.
    const whisper = 'SPEAKER_00: Velkommen.\nSPEAKER_01: Takk.\nSPEAKER_00: Hva jobber du med?\nSPEAKER_01: Kundeservice, i snart to år.\n';
    const w = await importTranscript('whisper.txt', enc(whisper), { speakers: { SPEAKER_00: 'Intervjuer', SPEAKER_01: 'FL2' } });
    assert.equal(w.layout, 'diarised');
    assert.deepEqual(turnsOf(w).map((t) => [t.speaker, t.text]), [
      ['Intervjuer', 'Velkommen.'],
      ['FL2', 'Takk.'],
      ['Intervjuer', 'Hva jobber du med?'],
      ['FL2', 'Kundeservice, i snart to år.'],
    ]);
  });

  it('Whisper subtitles (.srt) with SPEAKER_00: prefixes: the labels are the speakers', async () => {
    const srt = '1\n00:00:01,000 --> 00:00:03,000\nSPEAKER_00: Velkommen.\n\n2\n00:00:03,500 --> 00:00:05,000\nSPEAKER_01: Takk.\n\n3\n00:00:05,000 --> 00:00:08,000\nSPEAKER_00: Hva jobber du med?\n';
    const r = await importTranscript('whisper.srt', enc(srt));
    assert.equal(r.layout, 'srt');
    assert.deepEqual(turnsOf(r), [
      { speaker: 'SPEAKER_00', ts: '00:00:01', text: 'Velkommen.' },
      { speaker: 'SPEAKER_01', ts: '00:00:03', text: 'Takk.' },
      { speaker: 'SPEAKER_00', ts: '00:00:05', text: 'Hva jobber du med?' },
    ]);
    assert.deepEqual(r.speakers.map((s) => [s.source, s.role]), [['SPEAKER_00', 'informant'], ['SPEAKER_01', 'informant']]);
  });

  it('text without any speaker label is refused with a pointer to --layout, and read as unlabelled when asked', async () => {
    const txt = 'Velkommen til intervjuet.\n\nTakk for det.\n\nHva jobber du med?\n';
    const err = await importError('whisper-uten-talere.txt', enc(txt));
    assert.match(err.message, /has no speaker turns: no layout recognised .*--layout unlabelled/);
    const r = await importTranscript('whisper-uten-talere.txt', enc(txt), { layout: 'unlabelled' });
    assert.equal(r.layout, 'unlabelled');
    assert.deepEqual(turnsOf(r).map((t) => [t.speaker, t.text]), [['Ukjent', 'Velkommen til intervjuet.'], ['Ukjent', 'Takk for det.'], ['Ukjent', 'Hva jobber du med?']]);
    assert.deepEqual(r.informants, [], 'no speaker invented');
  });

  it('two layouts that fit alike: the importer asks instead of guessing', async () => {
    const txt = 'Kari Nordmann  0:03\nIntervjuer: Hei.\nR1: Hallo.\n\nOla Hansen  0:09\nIntervjuer: Ja.\nR1: Jo.\n';
    const err = await importError('blandet.txt', enc(txt));
    assert.match(err.message, /could be read in more than one layout: .*choose one with --layout/);
    const r = await importTranscript('blandet.txt', enc(txt), { layout: 'labels' });
    assert.deepEqual(turnsOf(r).map((t) => t.speaker), ['Intervjuer', 'R1', 'Intervjuer', 'R1']);
  });
});

describe('qda import: the layout in the summary, and --layout', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const io = () => ({ stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: dir });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qda-layout-'));
    out = [];
    err = [];
    mkdirSync(join(dir, 'raw'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says which layout it read, asks for --layout when it cannot tell, and follows it', async () => {
    writeFileSync(join(dir, 'raw/zoom.txt'), '[Kari Nordmann] 10:02:03\nHei.\n[Ola Hansen] 10:02:09\nHei, hei.\n[Kari Nordmann] 10:02:15\nDa starter vi.\n');
    assert.equal(await runImport(['raw/zoom.txt'], io()), 0, err.join(''));
    assert.match(out.join(''), /raw\/zoom\.txt → transcripts\/zoom\.md: 3 turns, 6 words; .*\n {2}layout: zoom-chat — Zoom transcript \(\[Name\] 10:02:03, the words below\) \(recognised\)\n/);

    writeFileSync(join(dir, 'raw/notat.txt'), 'Velkommen.\n\nTakk.\n');
    out = [];
    assert.equal(await runImport(['raw/notat.txt'], io()), 1);
    assert.match(err.join(''), /raw\/notat\.txt: has no speaker turns: .*--layout unlabelled/);
    err = [];
    assert.equal(await runImport(['raw/notat.txt', '--layout', 'unlabelled'], io()), 0, err.join(''));
    assert.match(out.join(''), /layout: unlabelled — .* \(as --layout said\)/);
    assert.match(readFileSync(join(dir, 'transcripts/notat.md'), 'utf8'), /\*\*Ukjent:\*\* Velkommen\.\n\n\*\*Ukjent:\*\* Takk\.\n$/);

    err = [];
    assert.equal(await runImport(['raw/notat.txt', '--layout', 'teams'], io()), 2);
    assert.match(err.join(''), /--layout must be one of labels, diarised, f4, speaker-time, teams-cues, zoom-chat, unlabelled \(got "teams"\)/);
  });
});
