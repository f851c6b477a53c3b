// The one rule code names compare by (core/text/names.ts), which the extension imports too
// (issue 16): the client's quick picks decide "Create code 'X'" by it, the server refuses a
// duplicate code by it, so the two must agree on every spelling a user can type.
import { strict as assert } from 'node:assert';
import { normalizeName, tidyName } from '../../server/src/core/text/names';
import { normalizeName as fromText } from '../../server/src/core/text/text';

describe('code names: one rule for client and server', () => {
  it('compares after Unicode NFC, case folding and collapsed whitespace', () => {
    assert.equal(normalizeName('  Digital\t  Verktøy \n'), 'digital verktøy');
    // "Å" typed as A + combining ring (macOS file names, some keyboards) is the same name.
    assert.equal(normalizeName('A\u030Apenhet'), normalizeName('Åpenhet'));
    assert.equal(normalizeName('ÆRLIGHET'), normalizeName('ærlighet'));
    assert.notEqual(normalizeName('Tillit'), normalizeName('Tillit 2'));
  });

  it('tidies a typed name without changing its case or letters', () => {
    assert.equal(tidyName('  Digital\t  Verktøy \n'), 'Digital Verktøy');
    assert.equal(tidyName('A\u030Apenhet'), 'A\u030Apenhet');
  });

  it('is the same function wherever core imports it from', () => {
    assert.equal(fromText, normalizeName);
  });
});
