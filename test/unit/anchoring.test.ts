import assert from 'node:assert/strict';
import {
  LiveAnchors,
  makeQuoteSelector,
  mapCodingRange,
  reanchor,
  shiftCodings,
  type ReanchorResult,
  type TextChange,
} from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';
import { bigTranscript, corpus, rng, scatteredEdits, withEmoji } from './anchoring-fixtures';

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

function coding(id: string, text: string, start: number, end: number): Coding {
  return { id, doc: 'transcripts/t.md', start, end, code: 'Kode', ...makeQuoteSelector(text, start, end), coder: 'anna', at: '2026-01-01T00:00:00Z' };
}

function codingOf(text: string, exact: string, id = 'c1', occurrence = 0): Coding {
  let at = -1;
  for (let k = 0; k <= occurrence; k++) at = text.indexOf(exact, at + 1);
  assert.ok(at >= 0, `fixture: "${exact}" not in text`);
  return coding(id, text, at, at + exact.length);
}

/** A position editors can produce: never inside a surrogate pair or a CRLF. */
function safePos(text: string, p: number): number {
  while (p > 0 && p < text.length) {
    const c = text.charCodeAt(p);
    const before = text.charCodeAt(p - 1);
    if ((c >= 0xdc00 && c <= 0xdfff && before >= 0xd800 && before <= 0xdbff) || (c === 10 && before === 13)) p--;
    else break;
  }
  return p;
}

function applyText(text: string, ch: TextChange): string {
  return text.slice(0, ch.start) + ch.text + text.slice(ch.end);
}

function inverse(before: string, ch: TextChange): TextChange {
  return { start: ch.start, end: ch.start + ch.text.length, text: before.slice(ch.start, ch.end) };
}

function snapshot(live: LiveAnchors): Map<string, { start: number; end: number; exact: string; orphan: boolean }> {
  return new Map(live.codings.map((c) => [c.id, { start: c.start, end: c.end, exact: c.exact, orphan: live.isOrphan(c.id) }]));
}

// ---------------------------------------------------------------------------------------
// Quote selectors
// ---------------------------------------------------------------------------------------

describe('anchoring: makeQuoteSelector', () => {
  it('takes the passage and 32 UTF-16 units of context each side', () => {
    const text = corpus('intervju-R2.md');
    const start = text.indexOf('var egentlig lederen vår');
    const sel = makeQuoteSelector(text, start, start + 24);
    assert.equal(sel.exact, 'var egentlig lederen vår');
    assert.equal(sel.prefix, text.slice(start - 32, start));
    assert.equal(sel.suffix, text.slice(start + 24, start + 56));
  });

  it('shortens context at the edges of the text', () => {
    const sel = makeQuoteSelector('abc def ghi', 4, 7);
    assert.deepEqual(sel, { exact: 'def', prefix: 'abc ', suffix: ' ghi' });
  });

  it('never cuts a surrogate pair at the edge of the context', () => {
    // An emoji whose two halves straddle the 32-unit limit on either side.
    const pad = 'x'.repeat(31);
    const text = `😀${pad}PASSAGE${pad}😀tail`;
    const start = 2 + 31;
    const sel = makeQuoteSelector(text, start, start + 7);
    assert.equal(sel.exact, 'PASSAGE');
    assert.equal(sel.prefix, pad, 'the half emoji is left out of the prefix');
    assert.equal(sel.suffix, pad, 'the half emoji is left out of the suffix');
    const pad30 = 'x'.repeat(30);
    const whole = makeQuoteSelector(`a😀${pad30}PASSAGE`, 3 + 30, 3 + 30 + 7);
    assert.equal(whole.prefix, `😀${pad30}`, 'a whole pair is kept when it fits');
  });
});

// ---------------------------------------------------------------------------------------
// Live edits
// ---------------------------------------------------------------------------------------

describe('anchoring: live edits', () => {
  const text = corpus('intervju-R2.md');
  const passage = 'det som gjorde at jeg ga det en sjanse';

  function setup(): { live: LiveAnchors; start: number; end: number } {
    const c = codingOf(text, passage);
    return { live: new LiveAnchors(text, [c]), start: c.start, end: c.end };
  }

  it('typing inside a coded passage grows it', () => {
    const { live, start, end } = setup();
    live.applyChanges([{ start: start + 4, end: start + 4, text: 'x' }]);
    live.applyChanges([{ start: start + 5, end: start + 5, text: 'y' }]);
    const c = live.get('c1')!;
    assert.deepEqual([c.start, c.end], [start, end + 2]);
    assert.equal(c.exact, 'det xysom gjorde at jeg ga det en sjanse');
  });

  it('typing at the start boundary shifts it, at the end boundary leaves it', () => {
    const { live, start, end } = setup();
    live.applyChanges([{ start, end: start, text: 'ja, ' }]);
    let c = live.get('c1')!;
    assert.deepEqual([c.start, c.end, c.exact], [start + 4, end + 4, passage]);
    assert.equal(c.prefix.slice(-4), 'ja, ');
    live.applyChanges([{ start: c.end, end: c.end, text: ' også' }]);
    c = live.get('c1')!;
    assert.deepEqual([c.start, c.end, c.exact], [start + 4, end + 4, passage]);
    assert.ok(c.suffix.startsWith(' også'));
  });

  it('deleting part of it shrinks it; a change across a boundary clips it', () => {
    const { live, start, end } = setup();
    live.applyChanges([{ start: start + 3, end: start + 7, text: '' }]); // " som"
    assert.equal(live.get('c1')!.exact, 'det gjorde at jeg ga det en sjanse');
    // Replace the text from before the passage into its first word: the new text stays outside.
    live.applyChanges([{ start: start - 5, end: start + 3, text: 'XYZ' }]);
    let c = live.get('c1')!;
    assert.equal(c.exact, ' gjorde at jeg ga det en sjanse');
    assert.equal(c.start, start - 5 + 3);
    // And across the end.
    c = live.get('c1')!;
    live.applyChanges([{ start: c.end - 6, end: c.end + 5, text: '!' }]);
    assert.equal(live.get('c1')!.exact, ' gjorde at jeg ga det en ');
    assert.ok(live.get('c1')!.end <= end);
  });

  it('a word corrected at the start of the passage stays coded', () => {
    const { live, start, end } = setup();
    // Select "det" and type "Det": the first keystroke replaces the selection.
    live.applyChanges([{ start, end: start + 3, text: 'D' }]);
    live.applyChanges([{ start: start + 1, end: start + 1, text: 'e' }]);
    live.applyChanges([{ start: start + 2, end: start + 2, text: 't' }]);
    const c = live.get('c1')!;
    assert.deepEqual([c.start, c.end], [start, end]);
    assert.equal(c.exact, 'Det som gjorde at jeg ga det en sjanse');
  });

  it('deleting all of it keeps an orphan; Undo brings it back exactly in place', () => {
    const { live, start, end } = setup();
    const sentenceStart = text.lastIndexOf('Men ', start);
    const del: TextChange = { start: sentenceStart, end: end + 10, text: '' };
    const removed = text.slice(del.start, del.end);
    const summary = live.applyChanges([del]);
    assert.deepEqual(summary.orphaned, ['c1']);
    assert.ok(live.isOrphan('c1'));
    const orphan = live.get('c1')!;
    assert.deepEqual([orphan.start, orphan.end], [sentenceStart, sentenceStart]);
    assert.equal(orphan.exact, passage, 'the orphan remembers its text');
    assert.equal(live.codings.length, 1, 'never dropped');
    // Undo: the same text back at the same place.
    const undo = live.applyChanges([{ start: sentenceStart, end: sentenceStart, text: removed }]);
    assert.deepEqual(undo.restored, ['c1']);
    assert.ok(!live.isOrphan('c1'));
    const c = live.get('c1')!;
    assert.deepEqual([c.start, c.end, c.exact], [start, end, passage]);
    assert.equal(live.text, text);
  });

  it('synced: code and coder follow the codings file; its place only when it fits the editor’s text', () => {
    const { live, start, end } = setup();
    const file = codingOf(text, passage);
    live.synced(file);
    live.applyChanges([{ start: 0, end: 0, text: 'Notat. ' }]);
    const renamed = { ...file, code: 'Ny kode', coder: 'bjorn', extra: { memo: 'm' } };
    const c = live.synced(renamed)!;
    assert.deepEqual([c.code, c.coder, c.extra, c.start, c.end, c.exact], ['Ny kode', 'bjorn', { memo: 'm' }, start + 7, end + 7, passage], 'a rename: the editor’s place stands');
    // The file line at a place of the disk text (not the editor's): not followed.
    assert.deepEqual([live.synced({ ...renamed, start: start + 1, end: end + 1, exact: text.slice(start + 1, end + 1) })!.start], [start + 7]);
    // Re-attached to another passage of the editor's text: followed, selectors refreshed.
    const target = 'Hun var så tydelig på at dette var viktig';
    const at = live.text.indexOf(target);
    const moved = live.synced({ ...renamed, start: at, end: at + target.length, exact: target })!;
    assert.deepEqual([moved.start, moved.end, moved.exact, moved.prefix], [at, at + target.length, target, makeQuoteSelector(live.text, at, at + target.length).prefix]);
    assert.equal(live.synced({ id: 'other', doc: file.doc, start: 0, end: 1, code: 'x', exact: 'N', prefix: '', suffix: '', coder: 'anna', at: '' }), undefined);
  });

  it('synced: an orphan whose line is rewritten unchanged stays one and Undo restores it; re-attached in the file, it comes back', () => {
    const { live, start, end } = setup();
    const file = codingOf(text, passage);
    live.synced(file);
    const del: TextChange = { start: start - 5, end: end + 5, text: '' };
    const removed = text.slice(del.start, del.end);
    live.applyChanges([del]);
    assert.ok(live.isOrphan('c1'));
    // A save rewrites the file: the orphan's line is as it was, so nothing changes.
    live.synced({ ...file });
    assert.ok(live.isOrphan('c1'));
    // Undo still restores it exactly.
    live.applyChanges([{ start: del.start, end: del.start, text: removed }]);
    assert.deepEqual([live.get('c1')!.start, live.isOrphan('c1')], [start, false]);
    // Deleted again, then re-attached by the analyst elsewhere: followed, no longer an orphan.
    live.applyChanges([del]);
    const target = 'Jeg tenkte at dette er enda et system';
    const at = live.text.indexOf(target);
    const back = live.synced({ ...file, start: at, end: at + target.length, exact: target })!;
    assert.deepEqual([back.start, back.exact, live.isOrphan('c1')], [at, target, false]);
  });

  it('Undo restores after text was typed where the passage was (one undo step)', () => {
    const { live, start, end } = setup();
    live.applyChanges([{ start, end, text: '' }]);
    live.applyChanges([{ start, end: start, text: 'n' }]);
    live.applyChanges([{ start: start + 1, end: start + 1, text: 'y' }]);
    assert.ok(live.isOrphan('c1'));
    // VS Code merges the typing into the deletion's undo step: one change puts it all back.
    live.applyChanges([{ start, end: start + 2, text: passage }]);
    const c = live.get('c1')!;
    assert.deepEqual([c.start, c.end, live.isOrphan('c1')], [start, end, false]);
  });

  it('a deleted paragraph with several codings, clipped and whole, comes back with Undo', () => {
    const pStart = text.indexOf('**R2:** [00:01:00]');
    const pEnd = text.indexOf('\n\n', pStart);
    const codings = [
      coding('inside', text, pStart + 30, pStart + 80),
      coding('whole', text, pStart, pEnd),
      coding('across-start', text, pStart - 40, pStart + 20),
      coding('across-end', text, pEnd - 20, pEnd + 30),
      coding('after', text, pEnd + 40, pEnd + 90),
    ];
    const live = new LiveAnchors(text, codings);
    const before = snapshot(live);
    const del: TextChange = { start: pStart, end: pEnd + 2, text: '' };
    live.applyChanges([del]);
    assert.deepEqual(live.orphans().map((c) => c.id).sort(), ['inside', 'whole']);
    assert.equal(live.get('across-start')!.end, pStart);
    assert.equal(live.get('after')!.exact, before.get('after')!.exact);
    live.applyChanges([inverse(text, del)]);
    assert.deepEqual(snapshot(live), before);
  });

  it('handles emoji and CRLF text', () => {
    const crlf = text.replace(/\n/g, '\r\n').replace('Jeg tenkte at dette', '👍🏽 Jeg tenkte at dette');
    const c = codingOf(crlf, 'Jeg tenkte at dette');
    const live = new LiveAnchors(crlf, [c]);
    // An emoji typed inside the passage, a CRLF line inserted above it.
    live.applyChanges([{ start: c.start + 3, end: c.start + 3, text: '🎉' }]);
    live.applyChanges([{ start: 0, end: 0, text: 'ny linje\r\n' }]);
    const got = live.get('c1')!;
    assert.equal(got.exact, 'Jeg🎉 tenkte at dette');
    assert.equal(live.text.slice(got.start, got.end), got.exact);
    assert.equal(got.start, c.start + 10);
  });

  it('applies several changes of one event in order', () => {
    const { live, start, end } = setup();
    // Multi-cursor: insertions before and inside, offsets each relative to the text just before it.
    live.applyChanges([
      { start: 0, end: 0, text: 'AB' },
      { start: start + 2 + 3, end: start + 2 + 3, text: 'CD' },
    ]);
    const c = live.get('c1')!;
    assert.deepEqual([c.start, c.end], [start + 2, end + 4]);
    assert.equal(c.exact, 'detCD som gjorde at jeg ga det en sjanse');
  });

  it('shiftCodings applies the same rules without state', () => {
    const c = codingOf(text, passage);
    const changes: TextChange[] = [
      { start: 0, end: 0, text: '12345' },
      { start: c.start + 5 + 4, end: c.start + 5 + 4, text: 'X' },
    ];
    const after = changes.reduce(applyText, text);
    const [got] = shiftCodings([c], changes, after);
    assert.equal(got.exact, 'det Xsom gjorde at jeg ga det en sjanse');
    assert.equal(after.slice(got.start, got.end), got.exact);
    const [orphan] = shiftCodings([c], [{ start: c.start - 1, end: c.end + 1, text: '' }]);
    assert.deepEqual([orphan.start, orphan.end, orphan.exact], [c.start - 1, c.start - 1, passage]);
  });

  it('mapCodingRange: the boundary rules', () => {
    // coding [10, 20)
    const m = (s: number, e: number, t: string) => {
      const r = mapCodingRange(10, 20, { start: s, end: e, text: t });
      return [r.start, r.end, r.orphaned];
    };
    assert.deepEqual(m(10, 10, 'ab'), [12, 22, false]); // insert at start: shift
    assert.deepEqual(m(20, 20, 'ab'), [10, 20, false]); // insert at end: no growth
    assert.deepEqual(m(15, 15, 'ab'), [10, 22, false]); // inside: grows
    assert.deepEqual(m(12, 14, ''), [10, 18, false]); // shrink
    assert.deepEqual(m(5, 12, 'xyz'), [8, 16, false]); // clip start, replacement outside
    assert.deepEqual(m(18, 25, 'xyz'), [10, 18, false]); // clip end
    assert.deepEqual(m(10, 20, 'new'), [10, 10, true]); // replaced whole: orphan
    assert.deepEqual(m(2, 8, ''), [4, 14, false]); // before: shift
    assert.deepEqual(m(20, 30, ''), [10, 20, false]); // after
  });
});

// ---------------------------------------------------------------------------------------
// Edit torture
// ---------------------------------------------------------------------------------------

describe('anchoring: edit torture', () => {
  const variants: [string, string][] = [
    ['intervju-R2.md', corpus('intervju-R2.md')],
    ['interview-R3-en.md with CRLF', corpus('interview-R3-en.md').replace(/\n/g, '\r\n')],
    ['fokusgruppe with emoji', withEmoji(corpus('fokusgruppe-kundesenter.txt'), 7)],
    ['intervju-R2.md with emoji and CRLF', withEmoji(corpus('intervju-R2.md'), 11).replace(/\n/g, '\r\n')],
  ];
  const SNIPPETS = ['a', ' ', 'og', 'ikke ', '😀', '👍🏽 ', '\r\n', '\n\n', 'æøå ÆØÅ', 'mange ord her, ', '**R2:** ', '🇳🇴🇳🇴'];

  for (const [name, original] of variants) {
    it(`keeps ${name} codings exact through 2,000 random edits with undos`, function () {
      this.timeout(120000);
      const r = rng(name.length * 7919);
      const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
      let text = original;
      const codings: Coding[] = [];
      for (let k = 0; k < 300; k++) {
        const a = safePos(text, Math.floor(r() * (text.length - 10)));
        const b = safePos(text, Math.min(text.length, a + 3 + Math.floor(r() * 200)));
        if (b > a) codings.push(coding(`c${k}`, text, a, b));
      }
      const live = new LiveAnchors(text, codings);
      const ids = codings.map((c) => c.id).sort();
      let orphanings = 0;
      let restores = 0;
      let checksUntouched = 0;

      for (let step = 0; step < 2000; step++) {
        const before = snapshot(live);
        const kind = r();
        let s: number;
        let e: number;
        // Half the edits are aimed at a coding's boundary or interior.
        if (r() < 0.5) {
          const target = pick(live.codings as Coding[]);
          const base = pick([target.start, target.end, target.start + 1, target.end - 1, (target.start + target.end) >> 1]);
          s = safePos(text, clamp(base - Math.floor(r() * 3), 0, text.length));
        } else s = safePos(text, Math.floor(r() * text.length));
        if (kind < 0.4) e = s;
        else if (kind < 0.95) e = safePos(text, Math.min(text.length, s + 1 + Math.floor(r() * (r() < 0.9 ? 12 : 400))));
        else {
          // Delete exactly one coding's whole text.
          const target = pick(live.codings as Coding[]);
          s = target.start;
          e = target.end;
        }
        if (e < s) e = s;
        const insert = kind < 0.4 || r() < 0.5 ? pick(SNIPPETS) : '';
        const change: TextChange = { start: s, end: e, text: insert };
        const newText = applyText(text, change);
        const summary = live.applyChanges([change], newText);
        orphanings += summary.orphaned.length;
        assert.equal(live.text, newText);

        // Every coding is still there, in range, and covers exactly its exact text.
        assert.deepEqual(live.codings.map((c) => c.id).sort(), ids, `step ${step}: a coding vanished`);
        const delta = insert.length - (e - s);
        for (const c of live.codings) {
          const old = before.get(c.id)!;
          assert.ok(c.start >= 0 && c.start <= c.end && c.end <= newText.length, `step ${step}: ${c.id} out of range`);
          if (live.isOrphan(c.id)) {
            assert.equal(c.start, c.end, `step ${step}: orphan ${c.id} not collapsed`);
            assert.equal(c.exact, old.exact, `step ${step}: orphan ${c.id} forgot its text`);
            continue;
          }
          assert.equal(newText.slice(c.start, c.end), c.exact, `step ${step}: ${c.id} exact out of date`);
          const sel = makeQuoteSelector(newText, c.start, c.end);
          assert.equal(c.prefix, sel.prefix, `step ${step}: ${c.id} prefix out of date`);
          assert.equal(c.suffix, sel.suffix, `step ${step}: ${c.id} suffix out of date`);
          const untouched = old.orphan ? false : s === e ? s <= old.start || s >= old.end : e <= old.start || s >= old.end;
          // (An edit that happens to put back text a coding lost earlier restores it instead.)
          if (untouched && !summary.restored.includes(c.id)) {
            checksUntouched++;
            assert.equal(c.exact, old.exact, `step ${step}: untouched ${c.id} changed text`);
            assert.equal(c.start, e <= old.start ? old.start + delta : old.start, `step ${step}: untouched ${c.id} misplaced`);
          }
        }

        // Undo, a third of the time: everything exactly as before the edit.
        if (r() < 0.33) {
          const undo = inverse(text, change);
          const res = live.applyChanges([undo], text);
          restores += res.restored.length;
          assert.equal(live.text, text);
          assert.deepEqual(snapshot(live), before, `step ${step}: undo of ${JSON.stringify(change)} did not restore`);
        } else text = newText;
      }
      // The run exercised what it claims to.
      assert.ok(orphanings > 20, `only ${orphanings} orphanings`);
      assert.ok(restores > 10, `only ${restores} restores by undo`);
      assert.ok(checksUntouched > 100000, `only ${checksUntouched} untouched checks`);
    });
  }
});

/** Applies changes given back to front (each in the original text's offsets). */
function applyAll(text: string, backToFront: TextChange[]): string {
  const parts: string[] = [];
  let end = text.length;
  for (const ch of backToFront) {
    parts.push(text.slice(ch.end, end), ch.text);
    end = ch.start;
  }
  parts.push(text.slice(0, end));
  return parts.reverse().join('');
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

// ---------------------------------------------------------------------------------------
// Outside changes
// ---------------------------------------------------------------------------------------

describe('anchoring: outside changes', () => {
  const text = corpus('intervju-R2.md');
  const passages = [
    'var egentlig lederen vår',
    'Jeg tenkte at dette er enda et system som skal gjøre hverdagen vår mer komplisert',
    'Jeg har jobbet i banken i tjueto år',
  ];
  const codings = passages.map((p, i) => codingOf(text, p, `c${i}`));

  function byId(results: ReanchorResult[]): Map<string, ReanchorResult> {
    return new Map(results.map((r) => [r.coding.id, r]));
  }
  function assertAt(r: ReanchorResult, newText: string, exact: string): void {
    assert.equal(newText.slice(r.coding.start, r.coding.end), exact);
    assert.equal(r.coding.exact, exact);
    assert.deepEqual(
      { prefix: r.coding.prefix, suffix: r.coding.suffix },
      (({ prefix, suffix }) => ({ prefix, suffix }))(makeQuoteSelector(newText, r.coding.start, r.coding.end)),
    );
  }

  it('an unchanged file keeps every coding', () => {
    for (const r of reanchor(codings, text)) assert.equal(r.status, 'kept');
  });

  for (const withOld of [false, true]) {
    const how = withOld ? 'with the old text' : 'without the old text';

    it(`text inserted above: every coding moved, exactly (${how})`, () => {
      const bodyStart = text.indexOf('**Intervjuer:**');
      const inserted = '**Intervjuer:** [00:00:01] Test, test.\n\n';
      const newText = text.slice(0, bodyStart) + inserted + text.slice(bodyStart);
      const results = reanchor(codings, newText, withOld ? text : undefined);
      results.forEach((r, i) => {
        assert.equal(r.status, 'moved');
        assertAt(r, newText, passages[i]);
        assert.equal(r.coding.start, codings[i].start + inserted.length);
      });
    });

    it(`paragraphs moved: codings follow them (${how})`, () => {
      const paras = text.split('\n\n');
      const i1 = paras.findIndex((p) => p.includes(passages[0]));
      const i2 = paras.findIndex((p) => p.includes(passages[2]));
      // Move the paragraph with passage 0 to the end and the one with passage 2 before it.
      const moved = paras.filter((_, i) => i !== i1 && i !== i2);
      moved.splice(1, 0, paras[i1]);
      moved.push(paras[i2]);
      const newText = moved.join('\n\n');
      const r = byId(reanchor(codings, newText, withOld ? text : undefined));
      for (const [i, p] of passages.entries()) {
        assert.ok(['moved', 'kept'].includes(r.get(`c${i}`)!.status), `c${i}: ${r.get(`c${i}`)!.status}`);
        assertAt(r.get(`c${i}`)!, newText, p);
      }
      assert.equal(r.get('c2')!.coding.start, newText.indexOf(passages[2]));
    });

    it(`a word changed inside a passage: fuzzy, flagged with a score (${how})`, () => {
      const newText = text.replace('enda et system som skal gjøre', 'enda et verktøy som skulle gjøre');
      const r = byId(reanchor(codings, newText, withOld ? text : undefined));
      const c1 = r.get('c1')!;
      assert.equal(c1.status, 'fuzzy');
      assert.ok(c1.score! < 1 && c1.score! >= 0.8, `score ${c1.score}`);
      assert.equal(c1.coding.exact, 'Jeg tenkte at dette er enda et verktøy som skulle gjøre hverdagen vår mer komplisert');
      assertAt(c1, newText, c1.coding.exact);
      assert.equal(r.get('c0')!.status, 'moved');
      assert.equal(r.get('c2')!.status, 'kept');
    });

    it(`passage deleted: orphaned, never dropped, old text remembered (${how})`, () => {
      const sentence = 'Jeg tenkte at dette er enda et system som skal gjøre hverdagen vår mer komplisert. Vi har hatt mange sånne. ';
      assert.ok(text.includes(sentence));
      const newText = text.replace(sentence, '');
      const results = reanchor(codings, newText, withOld ? text : undefined);
      assert.equal(results.length, codings.length);
      const c1 = byId(results).get('c1')!;
      assert.equal(c1.status, 'orphaned');
      assert.equal(c1.coding.exact, passages[1]);
      assert.deepEqual([c1.coding.start, c1.coding.end], [codings[1].start, codings[1].end]);
      assert.equal(byId(results).get('c0')!.status, 'moved');
    });

    it(`whole file replaced: codings orphaned, offsets clamped (${how})`, () => {
      const other = corpus('interview-R3-en.md').slice(0, 2000);
      const results = reanchor(codings, other, withOld ? text : undefined);
      for (const r of results) {
        assert.equal(r.status, 'orphaned');
        assert.ok(r.coding.end <= other.length && r.coding.start <= r.coding.end);
        assert.equal(r.coding.exact, passages[results.indexOf(r)]);
      }
    });
  }

  it('line endings converted to CRLF, emoji added: codings moved exactly, or fuzzy where an emoji fell inside', () => {
    const sentences = [...text.matchAll(/[A-ZÆØÅ][^.?!\n*]{20,120}[.?!]/g)].slice(0, 40);
    const many = sentences.map((m, k) => coding(`m${k}`, text, m.index!, m.index! + m[0].length));
    const target = many[5].exact;
    const inside = target.replace(' ', ' 🎉 ');
    const newText = text.replace(/\n\n\*\*/g, '\n\n👩‍💻 **').replace(/\n/g, '\r\n').replace(target, inside);
    const results = reanchor(many, newText);
    for (const [k, r] of results.entries()) {
      if (k === 5) {
        assert.equal(r.status, 'fuzzy');
        assertAt(r, newText, inside);
      } else {
        assert.equal(r.status, 'moved', `m${k}: ${r.status}`);
        assertAt(r, newText, many[k].exact);
      }
    }
  });

  it('a repeated passage: context picks the right one, else the nearest', () => {
    const para = 'Vi hadde opplæring i sandkassa hver fredag.';
    const t = `**A:** Først. ${para} Slutt A.\n\n**B:** Annet. ${para} Slutt B.\n\n**C:** Tredje. ${para} Slutt C.\n`;
    const c = codingOf(t, para, 'b', 1);
    const shifted = 'Innledning.\n\n' + t.replace('**C:** Tredje', '**C:** Tredje del');
    const [r] = reanchor([c], shifted);
    assert.equal(r.status, 'moved');
    assert.equal(r.coding.start, shifted.indexOf('Annet. ') + 7);
    // Context gone on both sides: nearest to where it was.
    const noCtx = { ...c, prefix: '', suffix: '' };
    const [near] = reanchor([noCtx], 'x'.repeat(5) + t.slice(3));
    assert.equal(near.coding.start, c.start + 2);
  });

  it('an echo of the passage in another turn is not taken for it', () => {
    // R2 says it; the interviewer repeats it. The informant's sentence is deleted.
    const p = 'Hun sa at det er lov å bruke tid, men det er ikke lov å la være.';
    const c = codingOf(text, p);
    const newText = text.replace(p + ' ', '');
    assert.ok(newText.includes('«Det er lov å bruke tid, men det er ikke lov å la være.'));
    for (const old of [undefined, text]) assert.equal(reanchor([c], newText, old)[0].status, 'orphaned');
  });

  it('a short passage is not moved to an unrelated occurrence', () => {
    const t = 'Intervjuer: Ja. Hva tenkte du da?\n\nR2: Nei, altså, det var vanskelig.\n\nIntervjuer: Ja.\n';
    const c = codingOf(t, 'Nei', 'short');
    const newText = t.replace('R2: Nei, altså, det var vanskelig.', 'R2: (uhørbart)') + '\nR9: Nei.\n';
    const [r] = reanchor([c], newText);
    assert.equal(r.status, 'orphaned');
  });

  it('a live orphan is placed again when its text comes back elsewhere', () => {
    const c = codingOf(text, passages[1]);
    const orphan = { ...c, end: c.start };
    const newText = text.replace(passages[1], '') + '\n\n' + c.prefix + passages[1] + c.suffix;
    const [r] = reanchor([orphan], newText);
    assert.equal(r.status, 'moved');
    assertAt(r, newText, passages[1]);
  });
});

// ---------------------------------------------------------------------------------------
// Scale
// ---------------------------------------------------------------------------------------

describe('anchoring: scale', () => {
  it('re-anchors 10,000 codings on a 1 MB transcript after a 5% outside edit', function () {
    this.timeout(120000);
    const text = bigTranscript(1_000_000, 42);
    const r = rng(9);
    const codings: Coding[] = [];
    for (let k = 0; k < 10000; k++) {
      const a = Math.floor(r() * (text.length - 400));
      codings.push(coding(`k${k}`, text, a, a + 10 + Math.floor(r() * 300)));
    }
    const changes = scatteredEdits(text, 0.05, 3);
    const newText = applyAll(text, changes);
    // The truth for a passage no edit touched: shifted by the edits before it.
    const touched = new Set<string>();
    const truth = new Map<string, number>();
    const ascending = [...changes].reverse();
    const deltaBefore = [0];
    for (const ch of ascending) deltaBefore.push(deltaBefore[deltaBefore.length - 1] + ch.text.length - (ch.end - ch.start));
    for (const c of codings) {
      let lo = 0;
      let hi = ascending.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ascending[mid].end <= c.start) lo = mid + 1;
        else hi = mid;
      }
      if (lo < ascending.length && ascending[lo].start < c.end) touched.add(c.id);
      truth.set(c.id, c.start + deltaBefore[lo]);
    }
    assert.ok(touched.size > 1000 && touched.size < 9000, `${touched.size} touched`);

    for (const oldText of [text, undefined]) {
      const results = reanchor(codings, newText, oldText);
      assert.equal(results.length, codings.length);
      const counts: Record<string, number> = {};
      let placedRight = 0;
      for (const [k, res] of results.entries()) {
        counts[res.status] = (counts[res.status] ?? 0) + 1;
        const c = codings[k];
        if (!touched.has(c.id)) {
          assert.ok(res.status === 'kept' || res.status === 'moved', `${c.id} ${res.status}`);
          assert.equal(res.coding.exact, c.exact);
          if (res.coding.start === truth.get(c.id)) placedRight++;
        } else if (res.status !== 'orphaned') {
          assert.equal(newText.slice(res.coding.start, res.coding.end), res.coding.exact);
        }
      }
      assert.ok((counts.fuzzy ?? 0) > touched.size / 2, JSON.stringify(counts));
      // With the old text every untouched passage is mapped to its place; without it, a
      // passage whose context was edited may go to an identical passage with better context
      // (the synthetic text reuses corpus paragraphs), which the edit made equally plausible.
      const untouched = codings.length - touched.size;
      if (oldText) assert.equal(placedRight, untouched);
      else assert.ok(placedRight >= untouched - 10, `${untouched - placedRight} untouched passages placed elsewhere`);
    }
  });
});
