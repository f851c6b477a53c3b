// Writing queries (core/analysis/queryText.ts): what the Coded Segments view's builder puts in the
// query box reads back as the terms it was built from.
import * as assert from 'node:assert/strict';
import { appendQueryTerm, quoteQueryName } from '../../server/src/core/analysis/queryText';
import { parseQuery, type QueryNode } from '../../server/src/core/analysis/query';

/** The query tree written with explicit brackets, to compare structure. */
function shape(n: QueryNode): string {
  switch (n.kind) {
    case 'name':
      return n.name;
    case 'not':
      return `NOT(${shape(n.operand)})`;
    default:
      return `${n.kind}(${shape(n.left)}, ${shape(n.right)})`;
  }
}

describe('query builder text', () => {
  it('quotes a name only when the query language needs it, and reads it back as that name', () => {
    for (const [name, written] of [
      ['Ledelse', 'Ledelse'],
      ['Tid og kø', '"Tid og kø"'],
      ['AND', '"AND"'],
      ['(parentes)', '"(parentes)"'],
      ['Sa "nei"', '"Sa ""nei"""'],
      ['"I felt alone"', '"""I felt alone"""'],
      ['a " and ” b', '"a "" and ” b"'],
      ['Sier "nei" til <b>CRM</b>', '"Sier ""nei"" til <b>CRM</b>"'],
      ['«det er bare sånn»', '«det er bare sånn»'],
    ]) {
      assert.equal(quoteQueryName(name), written);
      const tree = parseQuery(written);
      assert.deepEqual([tree.kind, tree.kind === 'name' ? tree.name : ''], ['name', name]);
    }
    // Typed by hand: a backslash before the quote mark does the same; “…” still reads as before.
    assert.deepEqual(parseQuery('"Sier \\"nei\\" til <b>CRM</b>" AND x'), { kind: 'and', left: { kind: 'name', name: 'Sier "nei" til <b>CRM</b>', at: 0 }, right: { kind: 'name', name: 'x', at: 34 } });
    assert.deepEqual(parseQuery('“Sa "nei"”'), { kind: 'name', name: 'Sa "nei"', at: 0 });
    assert.throws(() => parseQuery('"Sa ""nei'), /not closed/);
    assert.throws(() => parseQuery('""'), /empty name/);
  });

  it('adds terms left to right, bracketing an OR before AND or AND NOT', () => {
    let q = appendQueryTerm('', 'and', 'Kompetanse og opplæring');
    assert.equal(q, '"Kompetanse og opplæring"');
    q = appendQueryTerm(q, 'or', 'Verktøy');
    assert.equal(q, '"Kompetanse og opplæring" OR Verktøy');
    q = appendQueryTerm(q, 'andNot', 'Tid og kø');
    assert.equal(q, '("Kompetanse og opplæring" OR Verktøy) AND NOT "Tid og kø"');
    assert.equal(shape(parseQuery(q)), 'andNot(or(Kompetanse og opplæring, Verktøy), Tid og kø)');
    // AND after AND needs no brackets; OR after anything is appended.
    assert.equal(shape(parseQuery(appendQueryTerm('A AND B', 'and', 'C'))), 'and(and(A, B), C)');
    assert.equal(shape(parseQuery(appendQueryTerm('A AND B', 'or', 'C'))), 'or(and(A, B), C)');
    assert.equal(appendQueryTerm('', 'andNot', 'Ledelse'), 'NOT Ledelse');
    // A query that does not parse yet is appended to as it is (the box shows where it is wrong).
    assert.equal(appendQueryTerm('A AND', 'or', 'B'), 'A AND OR B');
  });
});
