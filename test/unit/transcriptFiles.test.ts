// Issue 14.2: frontmatter and unreadable files. What a project says about a file under
// transcripts/ that it cannot read as a transcript, and what the importer does with hostile
// frontmatter and with characters it could be tempted to normalise.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { importTranscript, ImportError } from '../../server/src/core/import/index';
import type { QdaDiagnostic } from '../../server/src/core/model/model';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function load(files: Record<string, string | Uint8Array>): Promise<{ project: Project; diagnostics: QdaDiagnostic[] }> {
  const project = new Project(new MemoryFileSystem(files));
  await project.load();
  return { project, diagnostics: [...projectDiagnostics(project).values()].flat() };
}

/** 1-based line of an offset. */
const lineOf = (text: string, offset: number): number => text.slice(0, offset).split(/\r\n|\r|\n/).length;

describe('transcript files the project cannot read (issue 14.2)', () => {
  it('an unterminated frontmatter gets a diagnostic on line 1', async () => {
    const text = '---\ntitle: Intervju med R1\ninformants: [R1]\n\n**Intervjuer:** Hei.\n\n**R1:** Hei.\n';
    const { project, diagnostics } = await load({ 'transcripts/r1.md': text });
    const d = diagnostics.filter((x) => x.path === 'transcripts/r1.md');
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0]!.code, 'qda.frontmatterUnterminated');
    assert.equal(lineOf(project.textOf('transcripts/r1.md')!, d[0]!.range.start), 1);
    assert.match(d[0]!.message, /never closed: add a line with ---/);
    // A closed one says nothing.
    const ok = await load({ 'transcripts/r1.md': text.replace('\n\n**Intervjuer', '\n---\n**Intervjuer') });
    assert.deepEqual(ok.diagnostics.filter((x) => x.path === 'transcripts/r1.md'), []);
  });

  it('a file that is not valid UTF-8, is UTF-16, or is binary gets an error and counts no words', async () => {
    const latin1 = new Uint8Array([...enc('Intervjuer: Hei.\n\nR1: Bl'), 0xe5, ...enc('b'), 0xe6, ...enc('r.\n')]);
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'Intervjuer: Hei.\n\nR1: Hallo.\n'].flatMap((c) => [c.charCodeAt(0), 0])]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, ...enc('IDAT R1: hei hei hei '), 0, 0, 1, 2, 3]);
    const { project, diagnostics } = await load({
      'transcripts/latin1.txt': latin1,
      'transcripts/utf16.txt': utf16,
      'transcripts/bilde.txt': png,
      'transcripts/ok.md': '**Intervjuer:** Hei.\n\n**R1:** Hallo der.\n',
    });
    const byPath = (p: string): QdaDiagnostic[] => diagnostics.filter((d) => d.path === p);
    for (const [path, pattern] of [
      ['transcripts/latin1.txt', /^latin1\.txt is not valid UTF-8 .*save it as UTF-8/],
      ['transcripts/utf16.txt', /^utf16\.txt is UTF-16 text, which the project cannot read: save it as UTF-8/],
      ['transcripts/bilde.txt', /^bilde\.txt is a binary file, not text/],
    ] as const) {
      const d = byPath(path);
      assert.equal(d.length, 1, `${path}: ${JSON.stringify(d)}`);
      assert.equal(d[0]!.severity, 'error');
      assert.equal(d[0]!.code, 'qda.unreadableTranscript');
      assert.equal(d[0]!.range.start, 0);
      assert.match(d[0]!.message, pattern);
      const t = project.transcriptOf(path)!;
      assert.equal(t.words, 0, `${path} has no words`);
      assert.deepEqual(t.turns, []);
      assert.deepEqual(t.informants, []);
    }
    assert.deepEqual(byPath('transcripts/ok.md'), []);
    assert.equal(project.stats().words, 3, 'only the readable transcript counts');
    assert.deepEqual(project.informantLabels(), ['R1']);
  });
});

describe('import: hostile frontmatter and characters kept (issue 14.2)', () => {
  it('refuses frontmatter whose YAML aliases expand exponentially, naming the file', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h']]) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const md = `---\n${levels.join('\n')}\ntitle: Latter\n---\n**Intervjuer:** Hei.\n\n**R1:** Hei.\n`;
    let err: unknown;
    try {
      await importTranscript('latter.md', enc(md));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ImportError, `refused: ${String(err)}`);
    assert.match(err.message, /^latter\.md:2: frontmatter is refused: its YAML aliases \(\*name\) expand to an enormous document/);
    // An alias or two is fine and kept.
    const ok = await importTranscript('ok.md', enc('---\nsted: &s Oslo\nopptak: *s\n---\n**Intervjuer:** Hei.\n\n**R1:** Hei.\n'));
    assert.match(ok.markdown, /opptak: \*s/);
  });

  it('keeps no-break spaces, and says that U+2028/U+2029 became line breaks', async () => {
    const txt = 'Intervju\u00a012\n\nIntervjuer: Hvor\u00a0mange\u00a0prosent?\n\nR1: Rundt 10\u00a0%, s.\u00a03 i rapporten.\u2028Og så litt til.\u2029Ferdig.\n';
    const r = await importTranscript('nbsp.txt', enc(txt));
    assert.match(r.markdown, /\nIntervju\u00a012\n/);
    assert.match(r.markdown, /\*\*Intervjuer:\*\* Hvor\u00a0mange\u00a0prosent\?\n/);
    assert.match(r.markdown, /\*\*R1:\*\* Rundt 10\u00a0%, s\.\u00a03 i rapporten\. Og så litt til\. Ferdig\.\n$/);
    assert.ok(!/[\u2028\u2029]/.test(r.markdown));
    assert.deepEqual(r.changes, ['2 Unicode line or paragraph separators (U+2028/U+2029) became line breaks (a space inside a turn)']);
    const plain = await importTranscript('plain.txt', enc('Intervjuer: Hei.\n\nR1: Hei.\n'));
    assert.deepEqual(plain.changes, []);
  });
});
