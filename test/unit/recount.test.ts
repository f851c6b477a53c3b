// Incremental analysis counts (core/analysis/recount.ts): after random edits of every kind — codings
// added, removed and moved (in codings files on disk and in open ones), transcripts edited on
// disk and live (turns and speakers changed), codes moved and renamed in the codebook, informant
// attributes changed in qda.yaml, notes edited, transcripts added and removed — the kept
// segments, matrices and co-occurrences equal a computation from scratch, after every step.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import { analysisSegments, type SegmentFilter } from '../../server/src/core/analysis/segments';
import { buildMatrix, type MatrixCount, type MatrixRows } from '../../server/src/core/analysis/matrix';
import { cooccurrence } from '../../server/src/core/analysis/cooccur';
import { analysisOf } from '../../server/src/core/analysis/recount';
import { normalizeName } from '../../server/src/core/text/text';

type Random = () => number;
function random(seed: number): Random {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)];

const SPEAKERS = ['Intervjuer', 'R1', 'R2', 'P1', 'P2', 'X9'];
const WORDS = ['vi', 'lærte', 'systemet', 'i', 'sandkassa', 'og', 'det', 'tok', 'tid', 'lederen', 'kunden', 'ny', 'rutine'];
const ATTRIBUTES = { role: ['rådgiver', 'leder', ''], group: ['A', 'B', ''] };
const CODINGS_OF = (coder: string, doc: string): string => (coder === 'anna' ? `.qda/codings/anna/${doc}.jsonl` : `.qda/codings/${coder}.jsonl`);

interface CodeEntry {
  name: string;
  children: string[];
}
interface Category {
  name: string;
  level: 2 | 3;
  codes: CodeEntry[];
}

/** A random project, and the edits the test makes to it, through the Project as the server does. */
class World {
  readonly fs: MemoryFileSystem;
  readonly project: Project;
  readonly files = new Map<string, string>();
  readonly live = new Map<string, string>();
  categories: Category[] = [
    { name: 'Opplæring', level: 2, codes: [{ name: 'K1', children: ['K1b'] }, { name: 'K2', children: [] }] },
    { name: 'Sandkasse', level: 3, codes: [{ name: 'K3', children: [] }] },
    { name: 'Ledelse', level: 2, codes: [{ name: 'K4', children: [] }] },
    { name: 'Lederen går foran', level: 3, codes: [{ name: 'K5', children: ['K5b'] }, { name: 'K6', children: [] }] },
  ];
  informants: Record<string, Record<string, string>> = { R1: { role: 'rådgiver', group: 'A' }, R2: { role: 'leder' }, P1: { role: 'rådgiver', group: 'B' }, P2: {} };
  private nextId = 0;

  constructor(readonly r: Random, readonly onlyText = false) {
    this.fs = new MemoryFileSystem({});
    this.project = new Project(this.fs);
  }

  codes(): string[] {
    return [...this.categories.flatMap((c) => c.codes.flatMap((x) => [x.name, ...x.children])), 'Fri kode', 'k1'];
  }

  codebookText(): string {
    const lines = ['# Kodebok', ''];
    for (const c of this.categories) {
      lines.push(`${'#'.repeat(c.level)} ${c.name}`, '');
      for (const code of c.codes) {
        lines.push(`- **${code.name}** — ${code.name.toLowerCase()}`);
        for (const child of code.children) lines.push(`  - **${child}** — under ${code.name}`);
      }
      lines.push('');
    }
    return lines.join('\n');
  }

  configText(): string {
    const attrs = (a: Record<string, string>): string => Object.entries(a).filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}`).join(', ');
    return `coder: anna\ninterviewers: [Intervjuer]\ninformants:\n${Object.entries(this.informants).map(([k, a]) => `  ${k}: { ${attrs(a)} }`).join('\n')}\n`;
  }

  turn(): string {
    const speaker = pick(this.r, SPEAKERS);
    return `**${speaker}:** ${Array.from({ length: 4 + Math.floor(this.r() * 14) }, () => pick(this.r, WORDS)).join(' ')}`;
  }

  transcriptText(): string {
    return Array.from({ length: 3 + Math.floor(this.r() * 8) }, () => this.turn()).join('\n\n') + '\n';
  }

  transcripts(): string[] {
    return [...this.files.keys()].filter((p) => p.startsWith('transcripts/')).sort();
  }

  /** The text the codings' offsets are in: the editor's, when the transcript is open. */
  textOf(doc: string): string {
    return this.live.get(doc) ?? this.files.get(doc)!;
  }

  /** A coding line of a random passage (within one turn's text only, when `onlyText`). */
  codingLine(doc: string, coder: string): string {
    const text = this.textOf(doc);
    let start: number;
    let end: number;
    if (this.onlyText) {
      const paras = [...text.matchAll(/\*\*[^*]+:\*\* ([^\n]+)/g)];
      const m = pick(this.r, paras);
      const at = m.index! + m[0].length - m[1].length;
      start = at + Math.floor(this.r() * (m[1].length - 1));
      end = Math.min(at + m[1].length, start + 1 + Math.floor(this.r() * 40));
    } else {
      start = Math.floor(this.r() * (text.length - 2));
      end = Math.min(text.length, start + 1 + Math.floor(this.r() * 120));
    }
    const selector = makeQuoteSelector(text, start, end);
    return JSON.stringify({ id: `c${this.nextId++}`, doc, start, end, code: pick(this.r, this.codes()), ...selector, coder, at: '2026-12-07T00:00:00Z' });
  }

  async write(path: string, text: string | undefined): Promise<void> {
    if (text === undefined) {
      this.files.delete(path);
      await this.fs.remove(path);
    } else {
      this.files.set(path, text);
      await this.fs.writeAtomic(path, text);
    }
    await this.project.update(path, text);
  }

  async load(): Promise<void> {
    const put = async (path: string, text: string): Promise<void> => {
      this.files.set(path, text);
      await this.fs.writeAtomic(path, text);
    };
    await put('qda.yaml', this.configText());
    await put('codebook.md', this.codebookText());
    await put('memos/m.md', '# Notat\n\nSe [[K1]].\n');
    for (let i = 1; i <= 3; i++) await put(`transcripts/T${i}.md`, this.transcriptText());
    for (const doc of this.transcripts()) {
      for (const coder of ['anna', 'bjorn']) {
        const path = CODINGS_OF(coder, doc);
        const lines = Array.from({ length: 4 + Math.floor(this.r() * 8) }, () => this.codingLine(doc, coder));
        await put(path, (this.files.get(path) ?? '') + lines.map((l) => l + '\n').join(''));
      }
    }
    await this.project.load();
  }

  /** A change of whole lines of a codings file: as the writer does (update), or in an open editor (editCodingsFile). */
  async editCodings(path: string, edit: (lines: string[]) => void): Promise<void> {
    const before = this.files.get(path) ?? '';
    const lines = before.split('\n').filter((l) => l !== '');
    edit(lines);
    const after = lines.map((l) => l + '\n').join('');
    if (this.r() < 0.5 || !this.files.has(path)) return this.write(path, after);
    // One change of whole lines: from the first line that differs to the last.
    const old = before.split('\n').slice(0, -1);
    let head = 0;
    while (head < old.length && head < lines.length && old[head] === lines[head]) head++;
    let tail = 0;
    while (tail < old.length - head && tail < lines.length - head && old[old.length - 1 - tail] === lines[lines.length - 1 - tail]) tail++;
    const chars = (list: string[]): number => list.reduce((n, l) => n + l.length + 1, 0);
    const start = chars(old.slice(0, head));
    const end = before.length - chars(old.slice(old.length - tail));
    const change = { start, end, text: after.slice(start, after.length - (before.length - end)) };
    this.files.set(path, after);
    await this.fs.writeAtomic(path, after);
    await this.project.editCodingsFile(path, [change], after);
  }

  /** One random edit; returns what it was, for the failure message. */
  async step(): Promise<string> {
    const r = this.r;
    const docs = this.transcripts();
    const doc = pick(r, docs);
    const coder = pick(r, ['anna', 'bjorn', 'bjorn']);
    const path = CODINGS_OF(coder, doc);
    const kind = r();
    if (kind < 0.2) {
      await this.editCodings(path, (lines) => lines.splice(Math.floor(r() * (lines.length + 1)), 0, this.codingLine(doc, coder)));
      return `coding added to ${path}`;
    }
    if (kind < 0.3) {
      await this.editCodings(path, (lines) => lines.splice(Math.floor(r() * lines.length), 1));
      return `coding removed from ${path}`;
    }
    if (kind < 0.4) {
      await this.editCodings(path, (lines) => {
        const i = lines.findIndex((l) => l.includes(`"doc":"${doc}"`));
        if (i < 0) return;
        const old = JSON.parse(lines[i]) as { id: string; code: string };
        const moved = JSON.parse(this.codingLine(doc, coder)) as Record<string, unknown>;
        // Same id, elsewhere; now and then another code, or a quote that no longer matches.
        moved.id = old.id;
        if (r() < 0.5) moved.code = old.code;
        if (!this.onlyText && r() < 0.15) moved.exact = 'ikke i teksten';
        lines[i] = JSON.stringify(moved);
      });
      return `coding moved in ${path}`;
    }
    if (kind < 0.55 && !this.onlyText) return this.editTranscript(doc);
    if (kind < 0.6 && this.onlyText) {
      // A speaker label swapped for one of the same length: the codings' offsets still hold.
      const text = this.files.get(doc)!;
      const labels = [...text.matchAll(/\*\*(R1|R2|P1|P2):\*\*/g)];
      if (!labels.length) return 'nothing';
      const m = pick(r, labels);
      await this.write(doc, text.slice(0, m.index! + 2) + pick(r, ['R1', 'R2', 'P1', 'P2']) + text.slice(m.index! + 4));
      return `speaker changed in ${doc}`;
    }
    if (kind < 0.7) {
      const from = pick(r, this.categories);
      const to = pick(r, this.categories);
      if (!from.codes.length) return 'nothing';
      if (r() < 0.6) {
        to.codes.push(...from.codes.splice(Math.floor(r() * from.codes.length), 1));
        await this.write('codebook.md', this.codebookText());
        return `code moved from ${from.name} to ${to.name}`;
      }
      const code = pick(r, from.codes);
      code.name = code.name === 'K2' ? 'K2 ny' : code.name === 'K2 ny' ? 'K2' : code.name === 'K4' ? 'k4' : code.name;
      await this.write('codebook.md', this.codebookText());
      return `code renamed: ${code.name}`;
    }
    if (kind < 0.8) {
      const informant = pick(r, [...Object.keys(this.informants), 'X9']);
      const attribute = pick(r, Object.keys(ATTRIBUTES)) as keyof typeof ATTRIBUTES;
      (this.informants[informant] ??= {})[attribute] = pick(r, ATTRIBUTES[attribute]);
      await this.write('qda.yaml', this.configText());
      return `qda.yaml: ${informant}.${attribute}`;
    }
    if (kind < 0.85) {
      await this.write('memos/m.md', `# Notat\n\nSe [[${pick(r, this.codes())}]].\n`);
      return 'memo edited';
    }
    if (kind < 0.9 && !this.onlyText) {
      if (docs.length > 2 && r() < 0.5) {
        const gone = docs[docs.length - 1];
        if (this.live.has(gone)) return 'nothing';
        await this.write(gone, undefined);
        return `transcript removed: ${gone}`;
      }
      const added = `transcripts/T${docs.length + 1 + Math.floor(r() * 3)}.md`;
      if (this.files.has(added)) return 'nothing';
      await this.write(added, this.transcriptText());
      await this.editCodings(CODINGS_OF('anna', added), (lines) => lines.push(this.codingLine(added, 'anna'), this.codingLine(added, 'anna')));
      return `transcript added: ${added}`;
    }
    return 'nothing';
  }

  /** A transcript edited: on disk, or in the editor (opened, typed in, closed). */
  private async editTranscript(doc: string): Promise<string> {
    const r = this.r;
    const text = this.textOf(doc);
    const paras = [...text.matchAll(/\n\n/g)].map((m) => m.index!);
    let change: { start: number; end: number; text: string };
    const what = r();
    if (what < 0.3 && paras.length) {
      const at = pick(r, paras);
      change = { start: at, end: at, text: `\n\n${this.turn()}` };
    } else if (what < 0.5) {
      const labels = [...text.matchAll(/\*\*([^*]+):\*\*/g)];
      const m = pick(r, labels);
      change = { start: m.index! + 2, end: m.index! + 2 + m[1].length, text: pick(r, SPEAKERS) };
    } else if (what < 0.6 && paras.length > 1) {
      const at = pick(r, paras);
      const next = text.indexOf('\n\n', at + 2);
      change = { start: at, end: next < 0 ? text.length - 1 : next, text: '' };
    } else {
      const at = Math.floor(r() * text.length);
      change = r() < 0.7 ? { start: at, end: at, text: pick(r, [' ny', 'x', 'og så ']) } : { start: at, end: Math.min(text.length, at + 1 + Math.floor(r() * 6)), text: '' };
    }
    const after = text.slice(0, change.start) + change.text + text.slice(change.end);
    if (this.live.has(doc)) {
      this.live.set(doc, after);
      this.project.editTranscript(doc, [change], after);
      if (r() < 0.3) {
        this.live.delete(doc);
        this.project.closeTranscript(doc, this.files.get(doc));
        return `live edit of ${doc}, then closed`;
      }
      return `live edit of ${doc}`;
    }
    if (r() < 0.4) {
      this.live.set(doc, text);
      this.project.openTranscript(doc, text);
      this.live.set(doc, after);
      this.project.editTranscript(doc, [change], after);
      return `opened and edited ${doc}`;
    }
    await this.write(doc, after);
    return `disk edit of ${doc}`;
  }
}

const OPTIONS: Array<{ rows: MatrixRows; cols: string; count: MatrixCount }> = [
  { rows: 'codes', cols: 'informants', count: 'codings' },
  { rows: 'themes', cols: 'role', count: 'informants' },
  { rows: 'groups', cols: 'group', count: 'words' },
  { rows: 'codes', cols: 'role', count: 'words' },
  { rows: 'codes', cols: 'informants', count: 'informants' },
];
const FILTERS: SegmentFilter[] = [{}, { coders: ['bjorn'] }, { informants: ['r1'] }, { attributes: { role: 'leder' } }, { docs: ['transcripts/T2.md'] }];

/** The kept answers of `project` equal those computed from scratch on `reference` (the same project, or one loaded fresh). */
function assertSame(project: Project, reference: Project, label: string): void {
  const cache = analysisOf(project);
  for (const filter of FILTERS) assert.deepEqual(cache.segments(filter), analysisSegments(reference, filter), `${label}: segments ${JSON.stringify(filter)}`);
  for (const coder of [undefined, 'anna', 'bjorn', 'nobody']) {
    const segments = analysisSegments(reference, { coders: coder ? [coder] : undefined });
    for (const options of OPTIONS) {
      const kept = cache.matrix({ coder, ...options });
      assert.deepEqual(kept, buildMatrix(reference, segments, options), `${label}: matrix ${coder} ${JSON.stringify(options)}`);
      if (options.rows === 'codes' && options.cols === 'informants' && options.count === 'codings') {
        // And by the plainest count there is, one segment at a time.
        for (const row of kept.rows.filter((x) => x.kind === 'code')) {
          for (const column of kept.columns) {
            const n = segments.filter((s) => s.informant === column && normalizeName(s.code) === normalizeName(row.name)).length;
            assert.equal(row.cells[column], n, `${label}: ${row.name} × ${column}`);
          }
        }
      }
    }
    const pairs = cache.cooccurrence(coder);
    assert.deepEqual(pairs, cooccurrence(segments), `${label}: co-occurrence ${coder}`);
    // In name order: codes, and pairs by their first code, then their second.
    const collator = new Intl.Collator();
    assert.ok(pairs.codes.every((c, i) => i === 0 || collator.compare(pairs.codes[i - 1], c) < 0), `${label}: codes in order`);
    assert.ok(pairs.pairs.every((p, i) => collator.compare(p.a, p.b) < 0 && (i === 0 || collator.compare(pairs.pairs[i - 1].a, p.a) < 0 || (pairs.pairs[i - 1].a === p.a && collator.compare(pairs.pairs[i - 1].b, p.b) < 0))), `${label}: pairs in order`);
  }
}

describe('analysis: incremental counts equal a computation from scratch', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`after each of 80 random edits (seed ${seed})`, async () => {
      const world = new World(random(seed));
      await world.load();
      assertSame(world.project, world.project, 'loaded');
      const done: string[] = [];
      for (let i = 0; i < 80; i++) {
        // Sometimes several edits before the next question: their changes are counted together.
        const burst = world.r() < 0.3 ? 3 : 1;
        for (let j = 0; j < burst; j++) done.push(await world.step());
        assertSame(world.project, world.project, `after ${done.length} edits (${done.slice(-burst).join('; ')})`);
      }
    });
  }

  for (const seed of [7, 8, 9]) {
    it(`equal to a project loaded fresh from the files, after 60 edits of codings, speakers, codebook and qda.yaml (seed ${seed})`, async () => {
      const world = new World(random(seed), true);
      await world.load();
      const done: string[] = [];
      for (let i = 0; i < 60; i++) {
        done.push(await world.step());
        const fresh = new Project(world.fs);
        await fresh.load();
        assertSame(world.project, fresh, `after ${done.length} edits (${done.at(-1)})`);
      }
    });
  }

  it('an unchanged project answers from what it kept; an edit counts one transcript again', async () => {
    const world = new World(random(10));
    await world.load();
    const cache = analysisOf(world.project);
    const first = cache.matrix();
    assert.equal(cache.matrix(), first, 'the same answer, not computed again');
    const doc = 'transcripts/T2.md';
    const others = cache.segments().filter((s) => s.doc !== doc);
    await world.editCodings(CODINGS_OF('anna', doc), (lines) => lines.push(world.codingLine(doc, 'anna')));
    assert.notEqual(cache.matrix(), first);
    // The other transcripts' segments are the very objects kept before: they were not made again.
    const after = cache.segments().filter((s) => s.doc !== doc);
    assert.equal(after.length, others.length);
    assert.ok(after.every((s, i) => s === others[i]));
    assertSame(world.project, world.project, 'after one coding');
  });
});
