// Saved queries in qda.yaml (issue 17.1): read from `queries:` (a query, or a query with its
// scope), run by `qda query --saved NAME`, and written by a small edit that keeps comments,
// layout and unknown keys.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parseConfig } from '../../server/src/core/parse/config';
import { withSavedQuery } from '../../server/src/core/ops/savedQueries';
import { main } from '../../server/src/cli';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: process.cwd() });
  return { code, out, err };
}

const YAML = `# innstillinger
language: nb
informants:
  FL1: { role: leder } # første
queries:
  # de viktigste
  Opplæring: '"Kompetanse og opplæring" AND NOT Ledelse'   # kommentar
  Nær: { query: "A AND B", scope: 2 }
futureKey: { keep: me }
`;

describe('saved queries in qda.yaml', () => {
  it('reads a query and a query with its scope; a bad entry is a warning that names it', () => {
    const { config, diagnostics } = parseConfig(YAML);
    assert.deepEqual(config.queries, { Opplæring: { query: '"Kompetanse og opplæring" AND NOT Ledelse' }, Nær: { query: 'A AND B', scope: 2 } });
    assert.deepEqual(diagnostics, []);
    const bad = parseConfig('queries:\n  Tom: ""\n  Rar: { query: "A", scope: langt }\n');
    assert.deepEqual(Object.keys(bad.config.queries), ['Rar']);
    assert.deepEqual(bad.diagnostics.map((d) => d.message), ["qda.yaml: 'queries: Tom' should be a query (\"A AND NOT B\") or { query: \"…\", scope: turn }; using the default.", "qda.yaml: 'queries: Rar: scope' should be overlap, turn or a number of turns; using the default."]);
  });

  it('adds, replaces and creates entries with one small edit, keeping comments, layout and unknown keys', () => {
    const added = withSavedQuery(YAML, 'Ny spørring', { query: 'X OR "Y z"', scope: 'turn' });
    assert.equal(added, YAML.replace('  Nær: { query: "A AND B", scope: 2 }\n', '  Nær: { query: "A AND B", scope: 2 }\n  Ny spørring: { query: "X OR \\"Y z\\"", scope: turn }\n'));
    assert.deepEqual(parseConfig(added).config.queries['Ny spørring'], { query: 'X OR "Y z"', scope: 'turn' });
    const replaced = withSavedQuery(YAML, 'Opplæring', { query: 'Ledelse' });
    assert.equal(replaced, YAML.replace(`'"Kompetanse og opplæring" AND NOT Ledelse'`, 'Ledelse'));
    const fresh = withSavedQuery('language: nb # norsk\n', 'A', { query: 'A AND B' });
    assert.equal(fresh, 'language: nb # norsk\nqueries:\n  A: A AND B\n');
    assert.throws(() => withSavedQuery('queries: [\n', 'A', { query: 'A' }), /qda\.yaml:\d+ does not parse/);
  });

  it('qda query --saved NAME runs the demo thesis’s saved query as typing it does', async () => {
    const saved = await cli(['query', '--saved', 'Opplæring uten ledelse', '--json', DEMO]);
    assert.equal(saved.code, 0, saved.err);
    const typed = await cli(['query', '"Kompetanse og opplæring" AND NOT "Ledelse av innføringen"', '--json', DEMO]);
    assert.deepEqual(JSON.parse(saved.out), JSON.parse(typed.out));
    const withScope = await cli(['query', '--saved', 'Ledere og læring innen to turer', '--json', DEMO]);
    const scoped = await cli(['query', '"Lederen går foran" AND "Læringsformer"', '--scope', '2', '--json', DEMO]);
    assert.ok(JSON.parse(withScope.out).length > 0);
    assert.deepEqual(JSON.parse(withScope.out), JSON.parse(scoped.out));
    const missing = await cli(['query', '--saved', 'finnes ikke', DEMO]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /no saved query 'finnes ikke'; saved queries: Opplæring uten ledelse, Ledere og læring innen to turer/);
  });
});
