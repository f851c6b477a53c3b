// The import's speaker mapping step (issue 21.2): the one unknown speaker of a caption file that
// names nobody is offered to be named (a code, interviewer, a typed code) or kept to be split by
// hand; a named speaker gets the choices it always had.
import { strict as assert } from 'node:assert';
import { speakerChoices } from '../../client/src/speakerChoices';

describe('import speaker mapping: choices per speaker', () => {
  it('offers to name the unnamed speaker of a caption file or keep it to split by hand', () => {
    const c = speakerChoices({ source: 'Ukjent', unnamed: true }, { isCode: false, suggestions: ['R4', 'FL3'] });
    assert.deepEqual(c.map((x) => x.action + (x.code ? ` ${x.code}` : '')), ['code R4', 'code FL3', 'interviewer', 'type', 'split']);
  });

  it('offers a named speaker the known code, next free codes, keep, interviewer and type', () => {
    const c = speakerChoices({ source: 'Kari Nordmann' }, { known: 'R2', isCode: false, suggestions: ['R2', 'R5'] });
    assert.deepEqual(c.map((x) => x.action + (x.code ? ` ${x.code}` : '')), ['code R2', 'code R5', 'keep', 'interviewer', 'type']);
    const code = speakerChoices({ source: 'FL3' }, { isCode: true, suggestions: ['FL4'] });
    assert.deepEqual(code.map((x) => x.action + (x.code ? ` ${x.code}` : '')), ['keep', 'code FL4', 'interviewer', 'type']);
  });
});
