// core/text/search: the one Levenshtein distance that re-anchoring (UTF-16 code units) and the
// codebook checks (code points) share since issue 16, and the approximate matcher's wrapper.
import assert from 'node:assert/strict';
import { approximateMatches, levenshtein } from '../../server/src/core/text/search';
import { EMOJI, rng } from './anchoring-fixtures';

/** The textbook full-matrix definition, over any sequence: the reference to compare with. */
function reference(a: readonly unknown[], b: readonly unknown[]): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** Short strings over a small alphabet with accents, emoji and a lone surrogate, so that edits collide. */
function randomString(r: () => number): string {
  const alphabet = ['a', 'b', 'e', 'é', 'ø', ' ', '\ud83d', ...EMOJI];
  let s = '';
  const n = Math.floor(r() * 12);
  for (let k = 0; k < n; k++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

describe('text search: levenshtein', () => {
  it('counts UTF-16 code units by default and code points on request', () => {
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('', 'abc'), 3);
    assert.equal(levenshtein('abc', ''), 3);
    assert.equal(levenshtein('same', 'same'), 0);
    // One emoji for another: two code units differ (both halves), one code point.
    assert.equal(levenshtein('ja 😀', 'ja 🎉'), 2);
    assert.equal(levenshtein('ja 😀', 'ja 🎉', Infinity, 'codePoint'), 1);
    assert.equal(levenshtein('ja 😀', 'ja 👍'), 1, 'the high surrogates agree: only the low one differs');
    assert.equal(levenshtein('ja 😀', 'ja x'), 2);
    assert.equal(levenshtein('ja 😀', 'ja x', Infinity, 'codePoint'), 1);
    assert.equal(levenshtein('Kundeinnsikt🇳🇴', 'Kundeinsikt', Infinity, 'codePoint'), 3);
  });

  it('agrees with the textbook definition on random strings, in both units', () => {
    const r = rng(16);
    for (let k = 0; k < 3000; k++) {
      const a = randomString(r);
      const b = r() < 0.2 ? a : randomString(r);
      assert.equal(levenshtein(a, b), reference(a.split(''), b.split('')), JSON.stringify([a, b]));
      assert.equal(levenshtein(a, b, Infinity, 'codePoint'), reference([...a], [...b]), JSON.stringify([a, b, 'codePoint']));
    }
  });

  it('with a bound, is exact within it and above it beyond', () => {
    const r = rng(17);
    for (let k = 0; k < 3000; k++) {
      const a = randomString(r);
      const b = randomString(r);
      const max = Math.floor(r() * 6);
      for (const unit of ['utf16', 'codePoint'] as const) {
        const exact = unit === 'utf16' ? reference(a.split(''), b.split('')) : reference([...a], [...b]);
        const bounded = levenshtein(a, b, max, unit);
        if (exact <= max) assert.equal(bounded, exact, JSON.stringify([a, b, max, unit]));
        else assert.ok(bounded > max && bounded <= exact, `${JSON.stringify([a, b, max, unit])}: ${bounded} for ${exact}`);
      }
    }
  });
});

describe('text search: approximate matches', () => {
  it('finds a pattern with a few errors, in UTF-16 offsets', () => {
    const text = '😀 Vi hadde en fast time hver uke der vi satt sammen.';
    const found = approximateMatches(text, 'fast tme hver', 2);
    assert.ok(found.length > 0);
    const best = found.reduce((x, y) => (y.errors < x.errors ? y : x));
    assert.equal(best.errors, 1);
    assert.equal(text.slice(best.start, best.end), 'fast time hver');
    assert.deepEqual(approximateMatches(text, 'helt annerledes', 2), []);
  });
});
