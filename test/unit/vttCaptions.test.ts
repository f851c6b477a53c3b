// Captions as students bring them (issue 21 points 2-3, issue 14 point 3): YouTube's automatic
// captions, lecture captions without speakers, "Name:" that is or is not a speaker, cues out
// of order, and a header without cues. The caption files are built here, never real recordings.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runImport } from '../../server/src/cli/import';
import { importTranscript, ImportError } from '../../server/src/core/import/index';
import { nameLikePrefix, speakerPrefixes } from '../../server/src/core/import/cueSpeakers';
import { previewImport, planImport } from '../../server/src/core/import/plan';
import { Project } from '../../server/src/core/project/project';
import { MemoryFileSystem } from '../../server/src/core/model/fs';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const body = (md: string): string => md.replace(/^---\n[\s\S]*?\n---\n/, '');

/** A YouTube automatic-captions file as youtube-dl/yt-dlp save it: rolling two-line cues. */
function youtubeAuto(): string {
  return [
    'WEBVTT',
    'Kind: captions',
    'Language: en',
    '',
    '00:00:00.320 --> 00:00:02.790 align:start position:0%',
    ' ',
    'welcome<00:00:00.640><c> back</c><00:00:00.960><c> everyone</c>',
    '',
    '00:00:02.790 --> 00:00:02.800 align:start position:0%',
    'welcome back everyone',
    ' ',
    '',
    '00:00:02.800 --> 00:00:05.110 align:start position:0%',
    'welcome back everyone',
    "today's<00:00:03.200><c> topic</c><00:00:03.500><c> is</c><00:00:03.900><c> memory</c>",
    '',
    '00:00:05.110 --> 00:00:05.120 align:start position:0%',
    "today's topic is memory",
    ' ',
    '',
    '00:00:05.120 --> 00:00:07.400 align:start position:0%',
    "today's topic is memory",
    'and<00:00:05.500><c> how</c><00:00:05.900><c> we</c><00:00:06.100><c> forget</c>',
    '',
  ].join('\n');
}

describe('import: captions without speakers (issue 21.2)', () => {
  it('reads YouTube automatic captions as running text, each line once, without word timestamps', async () => {
    const r = await importTranscript('lecture.vtt', enc(youtubeAuto()), { language: 'en' });
    assert.equal(body(r.markdown), "**Unknown:** [00:00:00] welcome back everyone today's topic is memory and how we forget\n");
    assert.equal(r.unnamedSpeaker, 'Unknown');
    assert.deepEqual(r.warnings, []);
  });

  it('labels the one unknown speaker after the project language', async () => {
    const nb = await importTranscript('forelesning.vtt', enc(youtubeAuto()), { language: 'nb' });
    assert.match(body(nb.markdown), /^\*\*Ukjent:\*\* \[00:00:00\] welcome back/);
    assert.equal(nb.unnamedSpeaker, 'Ukjent');
    assert.deepEqual(nb.speakers.map((s) => [s.label, s.role]), [['Ukjent', 'group']]);
  });

  it('gives the unknown speaker the code the mapping step chose, as an informant', async () => {
    const r = await importTranscript('lecture.vtt', enc(youtubeAuto()), { language: 'en', speakers: { Unknown: 'R4' } });
    assert.match(body(r.markdown), /^\*\*R4:\*\* \[00:00:00\] welcome back everyone/);
    assert.deepEqual(r.informants, ['R4']);
    assert.deepEqual(r.identifiers, {}, '"Unknown" is no real name');
  });

  it('keeps a line repeated in ordinary captions (no rolling): "Ja." twice is said twice', async () => {
    const vtt = 'WEBVTT\n\n00:01.000 --> 00:02.000\nJa.\n\n00:02.000 --> 00:03.000\nJa.\n\n00:03.000 --> 00:04.000\nDet stemmer.\n\n00:04.000 --> 00:05.000\nGreit.\n';
    const r = await importTranscript('ja.vtt', enc(vtt));
    assert.equal(body(r.markdown), '**Ukjent:** [00:00:01] Ja. Ja. Det stemmer. Greit.\n');
  });

  it('a Teams file with speakers is not "unnamed"', async () => {
    const r = await importTranscript('t.vtt', enc('WEBVTT\n\n00:01.000 --> 00:02.000\n<v Kari>Hei.</v>\n'));
    assert.equal(r.unnamedSpeaker, undefined);
  });

  it('the import preview marks the unknown speaker so the mapping step offers to name or split it', async () => {
    const project = new Project(new MemoryFileSystem({ 'qda.yaml': 'language: en\n' }));
    await project.load();
    const preview = await previewImport(project, [{ name: 'lecture.vtt', bytes: enc(youtubeAuto()) }]);
    assert.equal(preview.error, undefined);
    assert.deepEqual(preview.files[0]!.speakers.map((s) => [s.source, s.role, s.unnamed]), [['Unknown', 'group', true]]);
    const plan = await planImport(project, [{ name: 'lecture.vtt', bytes: enc(youtubeAuto()) }], { speakers: { Unknown: 'R7' } });
    assert.equal(plan.error, undefined);
    assert.match(plan.edits[0]!.edits[0]!.newText, /informants: \[R7\]\n---\n\*\*R7:\*\* \[00:00:00\] welcome/);
  });

  it('the import plan passes on the first warnings of a file and counts the rest', async () => {
    const project = new Project(new MemoryFileSystem({}));
    await project.load();
    const bad = Array.from({ length: 5 }, (_, k) => `\n00:00:0${k}.000 --> soon\nLost ${k}.\n`).join('');
    const plan = await planImport(project, [{ name: 'bad.vtt', bytes: enc(`WEBVTT\n\n00:00:09.000 --> 00:00:10.000\nKept.\n${bad}`) }]);
    assert.equal(plan.error, undefined);
    assert.equal(plan.warnings.length, 4);
    assert.match(plan.warnings[0]!, /^bad\.vtt:6: malformed cue timing "00:00:00\.000 --> soon".*"Lost 0\."$/);
    assert.equal(plan.warnings[3], 'bad.vtt: 2 more cues were left out or moved (`qda import` lists them all).');
  });
});

describe('import: a speaker is a speaker (issue 21.3)', () => {
  it('keeps "Example:" and "Welcome back. Today\'s topic:" in a lecture\'s text', async () => {
    const vtt = [
      'WEBVTT',
      '',
      '00:00:01.000 --> 00:00:04.000',
      "Welcome back. Today's topic: working memory.",
      '',
      '00:00:04.000 --> 00:00:07.000',
      'Example: you remember a phone number.',
      '',
      '00:00:07.000 --> 00:00:09.000',
      'Then you forget it.',
      '',
      '00:00:09.000 --> 00:00:12.000',
      'Example: a shopping list.',
      '',
    ].join('\n');
    const r = await importTranscript('lecture.vtt', enc(vtt), { language: 'en' });
    assert.equal(
      body(r.markdown),
      "**Unknown:** [00:00:01] Welcome back. Today's topic: working memory. Example: you remember a phone number. Then you forget it. Example: a shopping list.\n",
    );
    assert.equal(r.unnamedSpeaker, 'Unknown');
  });

  it('takes recurring name-like labels of two speakers as speakers, and a one-off label as text', async () => {
    const vtt = [
      'WEBVTT',
      '',
      '00:00:01.000 --> 00:00:03.000',
      'Ola Student: How did it start?',
      '',
      '00:00:03.000 --> 00:00:05.000',
      'Kari Nordmann: In the spring.',
      '',
      '00:00:05.000 --> 00:00:07.000',
      'It was cold.',
      '',
      '00:00:07.000 --> 00:00:08.000',
      'Ola Student: And then?',
      '',
      '00:00:08.000 --> 00:00:10.000',
      'Kari Nordmann: Note: we moved.',
      '',
      '00:00:10.000 --> 00:00:12.000',
      'Reason: the job.',
      '',
      '00:00:12.000 --> 00:00:14.000',
      'That was all.',
      '',
    ].join('\n');
    const r = await importTranscript('srt-like.vtt', enc(vtt));
    assert.equal(
      body(r.markdown),
      '**Ola Student:** [00:00:01] How did it start?\n\n**Kari Nordmann:** [00:00:03] In the spring. It was cold.\n\n' +
        '**Ola Student:** [00:00:07] And then?\n\n**Kari Nordmann:** [00:00:08] Note: we moved. Reason: the job. That was all.\n',
    );
  });

  it('reads Zoom, where every cue starts with the name, even a name said once', async () => {
    const vtt = 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nOla: Hei.\n\n2\n00:00:02.000 --> 00:00:03.000\nKari Nordmann: Hei.\n\n3\n00:00:03.000 --> 00:00:04.000\nKari Nordmann: Ja.\n';
    const r = await importTranscript('zoom.vtt', enc(vtt));
    assert.deepEqual(r.speakers.map((s) => s.source), ['Ola', 'Kari Nordmann']);
  });

  it('nameLikePrefix: names and codes yes, sentence fragments and lead-ins no', () => {
    for (const yes of ['Kari Nordmann: hei', 'R2: ja', 'Informant A: ja', 'Dr. Hansen: ja', 'Ola de Vries: ja', 'Интервьюер: да', 'Ørjan: ja']) {
      assert.ok(nameLikePrefix(yes), yes);
    }
    for (const no of ['Example: x', "Welcome back. Today's topic: x", 'the point is: x', '10: x', 'Eksempel: x', 'Note: x', 'So what I mean: x', 'A very long label of many words: x', 'Hei:x']) {
      assert.equal(nameLikePrefix(no), undefined, no);
    }
  });

  it('speakerPrefixes: one recurring label alone is a speaker only when it is an interviewer label', () => {
    const lecture = speakerPrefixes(['Kari: one', 'two', 'Kari: three', 'four', 'five', 'six']);
    assert.equal(lecture('Kari: one'), undefined);
    const interview = speakerPrefixes(['Intervjuer: one?', 'two', 'Intervjuer: three?', 'four', 'five', 'six']);
    assert.deepEqual(interview('Intervjuer: one?'), { name: 'Intervjuer', rest: 'one?' });
  });
});

describe('import: WebVTT cue order and empty files (issue 14.3)', () => {
  it('sorts a cue that starts before the previous one into place, and says so', async () => {
    const vtt = [
      'WEBVTT',
      '',
      '00:00:01.000 --> 00:00:03.000',
      '<v Intervjuer>Hvordan startet det?</v>',
      '',
      '00:00:10.000 --> 00:00:12.000',
      '<v Intervjuer>Og så?</v>',
      '',
      '00:00:04.000 --> 00:00:08.000',
      '<v R1>Om våren.</v>',
      '',
    ].join('\n');
    const r = await importTranscript('order.vtt', enc(vtt));
    assert.equal(body(r.markdown), '**Intervjuer:** [00:00:01] Hvordan startet det?\n\n**R1:** [00:00:04] Om våren.\n\n**Intervjuer:** [00:00:10] Og så?\n');
    assert.deepEqual(r.warnings, ['order.vtt:9: this cue starts at 00:00:04.000, before the cue of line 6 (00:00:10.000); it was moved into time order']);
  });

  it('a header and no cues says "no cues"', async () => {
    for (const [name, text] of [
      ['header.vtt', 'WEBVTT\nKind: captions\nLanguage: nb\n'],
      ['note.vtt', 'WEBVTT\n\nNOTE laget i Teams\n\nSTYLE\n::cue { color: red }\n'],
      ['empty-cues.vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n00:00:03.000 --> 00:00:04.000\n<v Kari></v>\n'],
    ]) {
      await assert.rejects(importTranscript(name!, enc(text!)), (err: unknown) => {
        assert.ok(err instanceof ImportError);
        assert.match(err.message, new RegExp(`^${name!.replace('.', '\\.')}: has no cues`));
        return true;
      });
    }
  });

  it('a line of spaces between cues with identifiers ends the cue: the id is not read as text', async () => {
    const vtt = 'WEBVTT\n\na1/1-0\n00:00:01.000 --> 00:00:02.000\n<v Kari>Hei.</v>\n   \na1/2-0\n00:00:02.000 --> 00:00:03.000\n<v Ola>Hallo.</v>\n \n';
    const r = await importTranscript('spaces.vtt', enc(vtt));
    assert.equal(body(r.markdown), '**Kari:** [00:00:01] Hei.\n\n**Ola:** [00:00:02] Hallo.\n');
  });

  it('keeps direction marks of right-to-left captions', async () => {
    const r = await importTranscript('he.vtt', enc('WEBVTT\n\n00:01.000 --> 00:02.000\n&rlm;שלום, &lrm;Teams&rlm; עובד\n'));
    assert.match(body(r.markdown), /\u200fשלום, \u200eTeams\u200f עובד/);
  });
});

describe('qda import: what was read differently is said on the command line', () => {
  it('prints each warning with file and line, and writes the transcript', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qda-vtt-'));
    try {
      writeFileSync(join(dir, 'qda.yaml'), 'language: en\n');
      writeFileSync(join(dir, 'order.vtt'), 'WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v A>Two.</v>\n\n00:00:01.000 --> 00:00:02.000\n<v A>One.</v>\n\n00:00:07.000 --> later\n<v A>Lost?</v>\n');
      const out: string[] = [];
      const err: string[] = [];
      const code = await runImport(['order.vtt'], { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: dir });
      assert.equal(code, 0, err.join(''));
      assert.deepEqual(err.join('').split('\n').filter(Boolean), [
        'warning: order.vtt:6: this cue starts at 00:00:01.000, before the cue of line 3 (00:00:05.000); it was moved into time order',
        'warning: order.vtt:9: malformed cue timing "00:00:07.000 --> later" (expected hh:mm:ss.ttt --> hh:mm:ss.ttt); this cue was left out: "<v A>Lost?</v>"',
      ]);
      assert.match(readFileSync(join(dir, 'transcripts/order.md'), 'utf8'), /\*\*A:\*\* \[00:00:01\] One\. Two\.\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
