// Intercoder agreement: the measures against published worked examples, the degenerate cases,
// the three kinds of unit, and independence from the order of codings and files.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { main } from '../../server/src/cli';
import {
  agreementFigures,
  cohenKappa,
  fleissKappa,
  histogramOf,
  krippendorffAlphaNominal,
  percentAgreement,
  type Rating,
} from '../../server/src/core/analysis/agreement';
import { computeAgreement, type AgreementCoding, type AgreementDocument } from '../../server/src/core/analysis/agreementUnits';

const round = (x: number | null, digits = 3): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

describe('agreement measures', () => {
  it("Krippendorff's canonical reliability data (4 coders, 12 units, missing values): nominal alpha = 0.743", () => {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example.
    const _ = null;
    const byCoder: Rating[][] = [
      ['1', '2', '3', '3', '2', '1', '4', '1', '2', _, _, _],
      ['1', '2', '3', '3', '2', '2', '4', '1', '2', '5', _, '3'],
      [_, '3', '3', '3', '2', '3', '4', '2', '2', '5', '1', _],
      ['1', '2', '3', '3', '2', '4', '4', '1', '2', '5', '1', _],
    ];
    const units = byCoder[0].map((_v, u) => byCoder.map((row) => row[u]));
    assert.equal(round(krippendorffAlphaNominal(histogramOf(units)).value), 0.743);
  });

  it("Cohen's kappa, the textbook 2×2 example (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no): 0.4, 70 %", () => {
    const units: Rating[][] = [
      ...Array.from({ length: 20 }, () => ['yes', 'yes']),
      ...Array.from({ length: 5 }, () => ['yes', 'no']),
      ...Array.from({ length: 10 }, () => ['no', 'yes']),
      ...Array.from({ length: 15 }, () => ['no', 'no']),
    ];
    const h = histogramOf(units);
    assert.equal(round(cohenKappa(h).value), 0.4);
    assert.equal(percentAgreement(h).value, 70);
  });

  it("Fleiss' kappa, the 10 subjects × 14 raters × 5 categories example: 0.210", () => {
    const counts = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const units = counts.map((row) => row.flatMap((n, cat) => Array.from({ length: n }, () => String(cat + 1))));
    assert.equal(round(fleissKappa(histogramOf(units)).value), 0.21);
    assert.equal(agreementFigures(histogramOf(units)).kappaType, 'fleiss');
  });

  it('weights are the same as repeating a unit', () => {
    const plain = histogramOf([['1', '1'], ['1', '1'], ['1', '0'], ['0', '0'], ['0', '0'], ['0', '0']]);
    const figures = agreementFigures(plain);
    assert.equal(round(figures.kappa), round((5 / 6 - (3 / 6) * (2 / 6) - (3 / 6) * (4 / 6)) / (1 - (3 / 6) * (2 / 6) - (3 / 6) * (4 / 6))));
    assert.equal(figures.units, 6);
  });

  describe('degenerate cases give a defined output, never NaN', () => {
    it('one coder never uses the code: kappa 0, alpha below 0, percent the share of units both left', () => {
      const f = agreementFigures(histogramOf([['1', '0'], ['1', '0'], ['0', '0'], ['0', '0']]));
      assert.equal(f.percent, 50);
      assert.equal(f.kappa, 0);
      assert.ok(f.alpha !== null && f.alpha < 0);
      assert.equal(f.note, undefined);
    });
    it('both never use the code: percent 100, kappa and alpha null with a note', () => {
      const f = agreementFigures(histogramOf([['0', '0'], ['0', '0'], ['0', '0']]));
      assert.equal(f.percent, 100);
      assert.equal(f.kappa, null);
      assert.equal(f.alpha, null);
      assert.match(f.note ?? '', /chance agreement is 1/);
      assert.match(f.note ?? '', /only one value occurs/);
    });
    it('perfect agreement with both values used: 100 %, kappa 1, alpha 1', () => {
      const f = agreementFigures(histogramOf([['1', '1'], ['0', '0'], ['1', '1']]));
      assert.deepEqual([f.percent, f.kappa, f.alpha], [100, 1, 1]);
    });
    it('one unit: percent defined, kappa and alpha null with a note', () => {
      const f = agreementFigures(histogramOf([['1', '1']]));
      assert.equal(f.percent, 100);
      assert.equal(f.kappa, null);
      assert.equal(f.alpha, null);
      assert.ok(f.note);
      for (const v of Object.values(f)) assert.ok(!(typeof v === 'number' && Number.isNaN(v)));
    });
    it('no unit rated by both coders: everything null, with a note', () => {
      const f = agreementFigures(histogramOf([['1', null], [null, '0']]));
      assert.deepEqual([f.percent, f.kappa, f.alpha], [null, null, null]);
      assert.match(f.note ?? '', /no unit was rated by every coder/);
    });
  });
});

// Two transcripts; turns at fixed offsets. "T" is the third one, coded by anna only.
const turns = (n: number, size = 100): Array<{ start: number; end: number }> =>
  Array.from({ length: n }, (_, i) => ({ start: 10 + i * size, end: 10 + (i + 1) * size - 2 }));
const DOCS: AgreementDocument[] = [
  { path: 'transcripts/A.md', bodyStart: 10, length: 1010, turns: turns(10) },
  { path: 'transcripts/B.md', bodyStart: 10, length: 510, turns: turns(5) },
  { path: 'transcripts/T.md', bodyStart: 10, length: 510, turns: turns(5) },
];
const c = (coder: string, doc: string, start: number, end: number, code: string): AgreementCoding => ({ coder, doc: `transcripts/${doc}.md`, start, end, code });
const CODINGS: AgreementCoding[] = [
  // Læring: both in A's turns 0 and 2; anna also in turn 5; bjorn in B turn 1.
  c('anna', 'A', 15, 60, 'Læring'),
  c('bjorn', 'A', 20, 90, 'Læring'),
  c('anna', 'A', 215, 260, 'Læring'),
  c('bjorn', 'A', 215, 260, 'Læring'),
  c('anna', 'A', 515, 560, 'Læring'),
  c('bjorn', 'B', 120, 150, 'Læring'),
  // Tid: anna only, in A turn 3; bjorn codes Tid in B turn 0.
  c('anna', 'A', 320, 330, 'Tid'),
  c('bjorn', 'B', 12, 40, 'Tid'),
  c('anna', 'B', 315, 330, 'Tid'),
  // Only anna coded T.
  c('anna', 'T', 20, 40, 'Læring'),
];

describe('agreement units over codings', () => {
  it('compares only the transcripts every coder coded, and names the ones left out', () => {
    const r = computeAgreement(DOCS, CODINGS, { coders: ['anna', 'bjorn'], unit: 'turn' });
    assert.deepEqual(r.documents, ['transcripts/A.md', 'transcripts/B.md']);
    assert.deepEqual(r.omitted, [{ doc: 'transcripts/T.md', codedBy: ['anna'] }]);
    assert.deepEqual(r.codes.map((x) => x.code), ['Læring', 'Tid']);
    assert.deepEqual(r.codes[0].codings, { anna: 3, bjorn: 3 });
  });

  it('turn units: a code is present in a turn when a coding overlaps it', () => {
    const r = computeAgreement(DOCS, CODINGS, { coders: ['anna', 'bjorn'], unit: 'turn' });
    const laering = r.codes[0];
    // 15 turns: both in A0 and A2, anna alone in A5, bjorn alone in B1, neither in 11.
    assert.equal(laering.units, 15);
    assert.equal(laering.percent, (100 * 13) / 15);
    // po = 13/15, pe = (3/15)(3/15) + (12/15)(12/15) = 153/225
    assert.equal(round(laering.kappa, 6), round((13 / 15 - 153 / 225) / (1 - 153 / 225), 6));
    const tid = r.codes[1];
    assert.equal(tid.percent, (100 * 12) / 15);
    assert.equal(r.overall.units, 30);
    assert.equal(r.overall.percent, (100 * 25) / 30);
  });

  it('char units: every character of the bodies, runs weighted by length', () => {
    const r = computeAgreement(DOCS, CODINGS, { coders: ['anna', 'bjorn'], unit: 'char' });
    const laering = r.codes[0];
    assert.equal(laering.units, 1000 + 500);
    // Disagreeing characters: A 15–20 (5, anna), A 60–90 (30, bjorn), A 515–560 (45), B 120–150 (30).
    assert.equal(laering.percent, (100 * (1500 - 110)) / 1500);
  });

  it('segment units: overlapping codings of a code are one unit; the threshold decides', () => {
    const loose = computeAgreement(DOCS, CODINGS, { coders: ['anna', 'bjorn'], unit: 'segment', overlap: 0.5 });
    // Læring: {A 15–60, A 20–90} overlap 40/75 ≥ 0.5 → one unit; A 215–260 pair; A 515 alone; B 120 alone.
    assert.equal(loose.codes[0].units, 4);
    assert.equal(loose.codes[0].percent, 50);
    const strict = computeAgreement(DOCS, CODINGS, { coders: ['anna', 'bjorn'], unit: 'segment', overlap: 0.9 });
    assert.equal(strict.codes[0].units, 5);
    assert.equal(strict.overlap, 0.9);
  });

  it('a domain is one nominal variable: a unit without any of its codes is missing for that coder', () => {
    const r = computeAgreement(DOCS, CODINGS, {
      coders: ['anna', 'bjorn'],
      unit: 'turn',
      domain: { name: 'Læring og tid', codes: ['Læring', 'Tid'] },
    });
    // Units with a value from both: A0 (L/L), A2 (L/L). Anna alone: A3, A5, B3. Bjorn alone: B0, B1.
    assert.equal(r.overall.percent, 100);
    assert.equal(r.overall.units, 7);
    assert.equal(r.domain, 'Læring og tid');
    // alpha: pairable units A0, A2 both "Læring": only one value occurs → undefined.
    assert.equal(r.overall.alpha, null);
  });

  it('a code nobody applied, asked for by name, gives a row with a note', () => {
    const r = computeAgreement(DOCS, CODINGS, { coders: ['anna', 'bjorn'], unit: 'turn', codes: ['Ukjent'] });
    assert.equal(r.codes[0].code, 'Ukjent');
    assert.equal(r.codes[0].percent, 100);
    assert.equal(r.codes[0].kappa, null);
    assert.ok(r.codes[0].note);
  });

  it('three coders: Fleiss kappa, and a coder who coded nothing leaves every transcript out', () => {
    const r = computeAgreement(DOCS, CODINGS, { coders: ['anna', 'bjorn', 'cato'], unit: 'turn' });
    assert.deepEqual(r.documents, []);
    assert.equal(r.omitted.length, 3);
    assert.equal(r.overall.kappaType, 'fleiss');
  });

  it('the figures do not depend on the order of codings or files (property test, 50 shuffles)', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const shuffle = <T>(list: readonly T[]): T[] => {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    };
    // Random codings over the two documents, three codes, two coders.
    const codings: AgreementCoding[] = [];
    for (let i = 0; i < 200; i++) {
      const doc = random() < 0.6 ? 'A' : 'B';
      const start = 10 + Math.floor(random() * (doc === 'A' ? 950 : 450));
      codings.push(c(random() < 0.5 ? 'anna' : 'bjorn', doc, start, start + 1 + Math.floor(random() * 120), ['X', 'Y', 'Z'][Math.floor(random() * 3)]));
    }
    for (const unit of ['char', 'turn', 'segment'] as const) {
      const expected = JSON.stringify(computeAgreement(DOCS, codings, { coders: ['anna', 'bjorn'], unit }));
      for (let k = 0; k < 50; k++) {
        const actual = JSON.stringify(computeAgreement(shuffle(DOCS), shuffle(codings), { coders: ['anna', 'bjorn'], unit }));
        assert.equal(actual, expected, `${unit}, shuffle ${k}`);
      }
    }
  });
});

describe('qda agree and the agreement report', () => {
  const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');
  async function cli(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd });
    return { code, out, err };
  }

  it('prints the documented JSON on the demo, consistent with the table and with the core', async () => {
    const { code, out } = await cli(['agree', '--coders', 'anna,bjorn', '--unit', 'turn', '--json', DEMO]);
    assert.equal(code, 0);
    const r = JSON.parse(out);
    assert.deepEqual(Object.keys(r).sort(), ['coders', 'codes', 'documents', 'omitted', 'overall', 'unit']);
    assert.deepEqual(r.coders, ['anna', 'bjorn']);
    assert.equal(r.documents.length, 7);
    for (const k of ['percent', 'kappa', 'alpha', 'units']) assert.ok(k in r.overall, k);
    // Every code row has the same number of turn units; overall pools them.
    const units = new Set<number>(r.codes.map((c: { units: number }) => c.units));
    assert.equal(units.size, 1);
    assert.equal(r.overall.units, r.codes.length * [...units][0]);
    const sandkassa = r.codes.find((c: { code: string }) => c.code === '«læring i sandkassa»');
    assert.deepEqual(sandkassa.codings, { anna: 4, bjorn: 1 });
    // The text table shows the same percentage.
    const table = (await cli(['agree', '--coders', 'anna,bjorn', DEMO])).out;
    assert.match(table, new RegExp(`«læring i sandkassa»\\s+${sandkassa.units}\\s+${sandkassa.percent.toFixed(1)} %`));
  });

  it('refuses a coder without codings, an unknown unit and an unknown domain with one clear line', async () => {
    const a = await cli(['agree', '--coders', 'anna,cato', DEMO]);
    assert.equal(a.code, 2);
    assert.match(a.err, /no codings by cato; coders in this project: anna, bjorn/);
    assert.match((await cli(['agree', '--coders', 'anna,bjorn', '--unit', 'word', DEMO])).err, /unknown unit 'word'/);
    assert.match((await cli(['agree', '--coders', 'anna,bjorn', '--domain', 'Ingen slik gruppe', DEMO])).err, /'Ingen slik gruppe' is not a theme or group/);
    assert.match((await cli(['agree', '--coders', 'anna', DEMO])).err, /two or more coders/);
  });

  it('exports the report as Markdown, CSV and Word, with definitions, and names as text', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qda-agree-'));
    const text = '**Intervjuer:** Hva skjedde?\n\n**R1:** Vi lærte i sandkassa.\n\n**Intervjuer:** Og så?\n\n**R1:** Det gikk bra.\n';
    writeFileSync(path.join(dir, 'qda.yaml'), 'language: en\ninterviewers: [Intervjuer]\n');
    writeFileSync(path.join(dir, 'codebook.md'), '# Codebook\n\n## Theme\n\n- **<img src=x onerror=alert(1)>** — evil\n- **Plain**\n');
    mkdirSync(path.join(dir, 'transcripts'));
    writeFileSync(path.join(dir, 'transcripts/R1.md'), text);
    const evil = '<img src=x onerror=alert(1)>';
    const at = (s: string): number => text.indexOf(s);
    for (const [coder, code, s] of [['anna', evil, 'Vi lærte'], ['bjorn', evil, 'Vi lærte'], ['anna', 'Plain', 'Det gikk'], ['bjorn', 'Plain', 'Hva skjedde']] as const) {
      mkdirSync(path.join(dir, `.qda/codings/${coder}/transcripts`), { recursive: true });
      const line = JSON.stringify({ id: `${coder}${code.length}`, doc: 'transcripts/R1.md', start: at(s), end: at(s) + s.length, code, exact: s, prefix: '', suffix: '', coder, at: '2026-01-01T00:00:00Z' });
      appendFileSync(path.join(dir, `.qda/codings/${coder}/transcripts/R1.md.jsonl`), line + '\n');
    }
    const md = await cli(['export', 'agreement-md', '--coders', 'anna,bjorn', '--out', 'agree.md', dir], dir);
    assert.equal(md.code, 0, md.err);
    assert.match(md.err, /^Wrote agree\.md \(2 codes, 1 transcripts, unit turn\)/);
    const written = readFileSync(path.join(dir, 'agree.md'), 'utf8');
    // As a reader sees it: rendered with raw HTML allowed, the name is text, never an element.
    const rendered = new MarkdownIt({ html: true }).render(written);
    assert.ok(!rendered.includes('<img'), 'a code name never becomes HTML');
    assert.match(rendered, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(written, /\| Plain \| 4 \| 50\.0 \|/);
    assert.match(written, /## Definitions/);
    assert.match(written, /Unit: one speaker turn/);
    const csv = await cli(['export', 'agreement-csv', '--coders', 'anna,bjorn', '--unit', 'char', dir], dir);
    const lines = csv.out.trim().split(/\r\n/);
    assert.equal(lines[0], 'code,unit,units,percent,cohen_kappa,krippendorff_alpha,codings_anna,codings_bjorn,note');
    assert.equal(lines.length, 4);
    const docx = await cli(['export', 'agreement-docx', '--coders', 'anna,bjorn', '--out', 'agree.docx', dir], dir);
    assert.equal(docx.code, 0, docx.err);
    const zip = readFileSync(path.join(dir, 'agree.docx'));
    const { unzipSync, strFromU8 } = await import('fflate');
    const xml = strFromU8(unzipSync(new Uint8Array(zip))['word/document.xml']);
    assert.match(xml, /Intercoder agreement/);
    assert.match(xml, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });
});

describe("the README's worked example", () => {
  it('10 turns, anna in 1, 2, 3, 6 and bjorn in 1, 2, 3, 7: 80 %, kappa 0.583, alpha 0.604', () => {
    const docs: AgreementDocument[] = [{ path: 'transcripts/X.md', bodyStart: 10, length: 1010, turns: turns(10) }];
    const at = (coder: string, turn: number): AgreementCoding => c(coder, 'X', 10 + (turn - 1) * 100 + 5, 10 + (turn - 1) * 100 + 50, 'Tid og kø');
    const codings = [...[1, 2, 3, 6].map((t) => at('anna', t)), ...[1, 2, 3, 7].map((t) => at('bjorn', t))];
    const r = computeAgreement(docs, codings, { coders: ['anna', 'bjorn'], unit: 'turn' });
    assert.equal(r.codes[0].percent, 80);
    assert.equal(round(r.codes[0].kappa), 0.583);
    assert.equal(round(r.codes[0].alpha), 0.604);
  });
});
