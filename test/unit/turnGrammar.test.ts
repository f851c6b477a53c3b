// Issue 14.1: one turn grammar (core/parse/turnGrammar.ts) for the importer and the project parser.
// Each form is read by both: the importer's Markdown output and the turns the project counts
// (speaker, words, timestamp) of the same text put into transcripts/.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { importTranscript } from '../../server/src/core/import/index';
import { scanTranscript, shiftTurns } from '../../server/src/core/parse/transcript';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const INTERVIEWERS = ['Intervjuer', 'Interviewer', 'I', 'M', 'Moderator'];

/** The body of the importer's Markdown (after the frontmatter), as paragraphs. */
async function imported(name: string, text: string): Promise<string[]> {
  const r = await importTranscript(name, enc(text));
  return r.markdown.replace(/^---\n[\s\S]*?\n---\n/, '').trimEnd().split('\n\n');
}

/** The turns the project sees in a file under transcripts/: [label, timestamp, words text]. */
async function projectTurns(name: string, text: string): Promise<Array<[string, string | undefined, string]>> {
  const project = new Project(new MemoryFileSystem({ [`transcripts/${name}`]: text }));
  await project.load();
  const t = project.transcriptOf(`transcripts/${name}`);
  assert.ok(t, `transcripts/${name} is a transcript`);
  return t.turns.map((turn) => [turn.label, turn.timestamp, text.slice(turn.textStart, turn.end)]);
}

describe('turn grammar (issue 14.1): the importer and the project read turns alike', () => {
  it('a transcript with a single turn, and one with one speaker only', async () => {
    assert.deepEqual(await imported('en.txt', 'R1: Bare én tur, ingen spørsmål.\n'), ['**R1:** Bare én tur, ingen spørsmål.']);
    assert.deepEqual(await projectTurns('en.txt', 'R1: Bare én tur, ingen spørsmål.\n'), [['R1', undefined, 'Bare én tur, ingen spørsmål.']]);
    assert.deepEqual(await projectTurns('en.md', '---\ntitle: x\n---\n**R1:** Bare én tur.\n'), [['R1', undefined, 'Bare én tur.']]);
    // One speaker, a title above, turns one per line.
    const monologue = 'Dagbok\nR4: Først dette.\nR4: Så dette.\n';
    assert.deepEqual(await imported('dagbok.txt', monologue), ['Dagbok', '**R4:** Først dette.', '**R4:** Så dette.']);
    assert.deepEqual(await projectTurns('dagbok.txt', monologue), [
      ['R4', undefined, 'Først dette.'],
      ['R4', undefined, 'Så dette.'],
    ]);
  });

  for (const [eolName, eol] of [['LF', '\n'], ['CRLF', '\r\n'], ['lone CR', '\r']] as const) {
    it(`plain text with one turn per line and no blank lines (${eolName})`, async () => {
      const text = ['Intervjuer: Hva jobber du med?', 'R1: Kundeservice, mest på telefon.', 'Intervjuer: Hvor lenge?', 'R1: Snart to år.', ''].join(eol);
      const body = await imported('linjer.txt', text);
      assert.deepEqual(body, [
        '**Intervjuer:** Hva jobber du med?',
        '**R1:** Kundeservice, mest på telefon.',
        '**Intervjuer:** Hvor lenge?',
        '**R1:** Snart to år.',
      ]);
      assert.ok(!body.join('').includes('\r'), 'no \\r in any turn');
      const turns = await projectTurns('linjer.txt', text);
      assert.deepEqual(turns, [
        ['Intervjuer', undefined, 'Hva jobber du med?'],
        ['R1', undefined, 'Kundeservice, mest på telefon.'],
        ['Intervjuer', undefined, 'Hvor lenge?'],
        ['R1', undefined, 'Snart to år.'],
      ]);
      // The same in Markdown, as bold labels.
      const md = ['**Intervjuer:** Hva jobber du med?', '**R1:** Kundeservice.', '**Intervjuer:** Hvor lenge?', '**R1:** To år.', ''].join(eol);
      assert.deepEqual((await projectTurns('linjer.md', md)).map((t) => t[0] + '|' + t[2]), ['Intervjuer|Hva jobber du med?', 'R1|Kundeservice.', 'Intervjuer|Hvor lenge?', 'R1|To år.']);
    });
  }

  it('labels with a code in parentheses, bold with the colon outside, indented, without a space, with [h:mm:ss], continued on a second line', async () => {
    const txt = [
      'Intervjuer: Velkommen.',
      '',
      'Informant A (FL1): Takk, takk.',
      '',
      '**R2**: Jeg vil også si noe.',
      '',
      '    Intervjuer: Et innrykket spørsmål?',
      '',
      'R2:Uten mellomrom.',
      '',
      '[1:02:03] Intervjuer: Tiden før etiketten.',
      '',
      'R2: [1:02:09] Tiden etter etiketten,',
      'og turen fortsetter på neste linje.',
      '',
    ].join('\n');
    assert.deepEqual(await imported('former.txt', txt), [
      '**Intervjuer:** Velkommen.',
      '**Informant A (FL1):** Takk, takk.',
      '**R2:** Jeg vil også si noe.',
      '**Intervjuer:** Et innrykket spørsmål?',
      '**R2:** Uten mellomrom.',
      '**Intervjuer:** [01:02:03] Tiden før etiketten.',
      '**R2:** [01:02:09] Tiden etter etiketten, og turen fortsetter på neste linje.',
    ]);
    assert.deepEqual(await projectTurns('former.txt', txt), [
      ['Intervjuer', undefined, 'Velkommen.'],
      ['Informant A (FL1)', undefined, 'Takk, takk.'],
      ['R2', undefined, 'Jeg vil også si noe.'],
      ['Intervjuer', undefined, 'Et innrykket spørsmål?'],
      ['R2', undefined, 'Uten mellomrom.'],
      ['Intervjuer', '1:02:03', 'Tiden før etiketten.'],
      ['R2', '1:02:09', 'Tiden etter etiketten,\nog turen fortsetter på neste linje.'],
    ]);
    const md = [
      '**Intervjuer:** Velkommen.',
      '',
      '**Informant A (FL1):** Takk.',
      '',
      '**R2**: Colon utenfor.',
      '',
      '   **Intervjuer:** Innrykket.',
      '',
      '**R2:**Uten mellomrom.',
      '',
      '[1:02:03] **Intervjuer:** Før.',
      '',
      '**R2:** [1:02:09] Etter,',
      'og videre.',
      '',
    ].join('\n');
    assert.deepEqual(await projectTurns('former.md', md), [
      ['Intervjuer', undefined, 'Velkommen.'],
      ['Informant A (FL1)', undefined, 'Takk.'],
      ['R2', undefined, 'Colon utenfor.'],
      ['Intervjuer', undefined, 'Innrykket.'],
      ['R2', undefined, 'Uten mellomrom.'],
      ['Intervjuer', '1:02:03', 'Før.'],
      ['R2', '1:02:09', 'Etter,\nog videre.'],
    ]);
  });

  it('a paragraph that is not a turn is text, never part of the turn before it', async () => {
    const md = '**Intervjuer:** Hva skjedde da?\n\n(opptaket stoppet i to minutter)\n\n  **FL1:** Vi startet på nytt.\n';
    const turns = await projectTurns('pause.md', md);
    assert.deepEqual(turns, [
      ['Intervjuer', undefined, 'Hva skjedde da?'],
      ['FL1', undefined, 'Vi startet på nytt.'],
    ]);
    const { transcript } = scanTranscript('transcripts/pause.md', md, INTERVIEWERS);
    assert.deepEqual(transcript.turns.map((t) => t.words), [3, 4]);
    assert.deepEqual(transcript.informants, ['FL1']);
    assert.deepEqual(await imported('pause.txt', 'Intervjuer: Hva skjedde da?\n\n(opptaket stoppet i to minutter)\n\n  FL1: Vi startet på nytt.\n'), [
      '**Intervjuer:** Hva skjedde da?',
      '(opptaket stoppet i to minutter)',
      '**FL1:** Vi startet på nytt.',
    ]);
  });

  it('a header block ("Dato:", "Moderator:") and a clock time in the text are not turns', async () => {
    const txt = 'Intervju 7\nDato: 03.05.2024\nModerator: M\n\nM: Klokka var 10:30 da vi startet.\nP1: Ja:det stemmer.\nM: Takk.\n';
    assert.deepEqual(await imported('hode.txt', txt), ['Intervju 7\nDato: 03.05.2024\nModerator: M', '**M:** Klokka var 10:30 da vi startet.', '**P1:** Ja:det stemmer.', '**M:** Takk.']);
    assert.deepEqual((await projectTurns('hode.txt', txt)).map((t) => t[0]), ['M', 'P1', 'M']);
  });

  it('an edit that turns a line inside a turn into a label is rescanned, not shifted', () => {
    const before = '**Intervjuer:** Spørsmål.\n\n**R1:** Svar.\n\n**R1:** Mer.\n\n**Intervjuer:** Ok.\nRx: en linje\n';
    const { transcript } = scanTranscript('t.md', before, INTERVIEWERS);
    assert.equal(transcript.turns.length, 4);
    // "Rx:" occurs once: part of the last turn. Making it "**R1:**" would make it a turn; in
    // plain text, renaming "Rx" to "R1" (a label used twice) does too.
    const txt = 'Intervjuer: Spørsmål.\n\nR1: Svar.\nIntervjuer: Ok.\nRx: en linje\n';
    const scanned = scanTranscript('t.txt', txt, INTERVIEWERS).transcript;
    const at = txt.indexOf('Rx') + 1;
    const after = txt.slice(0, at) + '1' + txt.slice(at + 1);
    assert.equal(shiftTurns(scanned, txt, [{ start: at, end: at + 1, text: '1' }], after), false);
    assert.deepEqual(scanTranscript('t.txt', after, INTERVIEWERS).transcript.turns.map((t) => t.label), ['Intervjuer', 'R1', 'Intervjuer', 'R1']);
  });
});
