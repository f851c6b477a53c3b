// Review threads and statuses (issue 20): the per-author logs in .qda/reviews/, folded in time
// order; merging two authors' branches; a rename that the threads follow; a definition
// changed after it was agreed; a broken line kept; and `qda review` over a real folder.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { parseReviewFile, reviewsFileOf } from '../../server/src/core/review/reviewLog';
import { foldReviews, itemStatus } from '../../server/src/core/review/reviewState';
import { appendReviewEvents, loadReviewState, newThreadEvent, renameReviewItem, replyEvent, resolveEvent, statusEvent, editEvent } from '../../server/src/core/review/reviewWrite';
import { reviewItems } from '../../server/src/core/review/reviewItems';
import { parseCodebook } from '../../server/src/core/parse/codebook';

const at = (min: number) => ({ now: new Date(Date.UTC(2026, 11, 6, 10, min)) });

describe('review: threads and statuses from the per-author logs', () => {
  it('a thread with a reply by another author, an edit, resolve and reopen', async () => {
    const fs = new MemoryFileSystem();
    const start = newThreadEvent({ author: 'veileder', ...at(1) }, { item: 'Kundeinnsikt' }, 'Er dette for bredt?');
    await appendReviewEvents(fs, 'veileder', [start]);
    await appendReviewEvents(fs, 'anna', [replyEvent({ author: 'anna', ...at(2) }, start.id, 'Jeg deler den.')]);
    await appendReviewEvents(fs, 'veileder', [editEvent({ author: 'veileder', ...at(3) }, start.id, 'Er denne koden for bred?')]);
    let { state } = await loadReviewState(fs);
    assert.equal(state.threads.length, 1);
    const t = state.threads[0];
    assert.deepEqual(t.on, { item: 'Kundeinnsikt' });
    assert.deepEqual(t.comments.map((c) => [c.author, c.body]), [['veileder', 'Er denne koden for bred?'], ['anna', 'Jeg deler den.']]);
    assert.equal(t.resolved, false);
    await appendReviewEvents(fs, 'anna', [resolveEvent({ author: 'anna', ...at(4) }, start.id, true, 'def')]);
    ({ state } = await loadReviewState(fs));
    assert.equal(state.threads[0].resolved, true);
    assert.equal(state.threads[0].resolvedBy, 'anna');
    // Resolving the last open thread on the code signs it off.
    assert.equal(itemStatus(state, 'kundeinnsikt', 'def').status, 'agreed');
    await appendReviewEvents(fs, 'veileder', [resolveEvent({ author: 'veileder', ...at(5) }, start.id, false)]);
    ({ state } = await loadReviewState(fs));
    assert.equal(state.threads[0].resolved, false);
    assert.deepEqual(Object.keys(Object.fromEntries(fs.files)).sort(), ['.qda/reviews/anna.jsonl', '.qda/reviews/veileder.jsonl']);
  });

  it('someone else cannot edit a comment; the edit is reported and the text stays', async () => {
    const fs = new MemoryFileSystem();
    const start = newThreadEvent({ author: 'veileder', ...at(1) }, { item: 'X' }, 'original');
    await appendReviewEvents(fs, 'veileder', [start]);
    await appendReviewEvents(fs, 'anna', [editEvent({ author: 'anna', ...at(2) }, start.id, 'changed')]);
    const { state } = await loadReviewState(fs);
    assert.equal(state.threads[0].comments[0].body, 'original');
    assert.match(state.diagnostics.map((d) => d.message).join('\n'), /anna may not edit veileder's comment/);
  });

  it('two authors on two branches: the merged logs give the same state in any line order, and git has nothing to merge', async () => {
    const base = new MemoryFileSystem();
    const start = newThreadEvent({ author: 'anna', ...at(1) }, { item: 'Tid og kø' }, 'Skal denne slås sammen med Ventetid?');
    await appendReviewEvents(base, 'anna', [start]);
    // Branch 1: the supervisor replies; branch 2: anna sets a status. Each writes only its own file.
    const b1 = new MemoryFileSystem(Object.fromEntries(base.files));
    const b2 = new MemoryFileSystem(Object.fromEntries(base.files));
    await appendReviewEvents(b1, 'veileder', [replyEvent({ author: 'veileder', ...at(3) }, start.id, 'Ja, slå sammen.')]);
    await appendReviewEvents(b2, 'anna', [statusEvent({ author: 'anna', ...at(2) }, 'Tid og kø', 'needs-work')]);
    assert.equal(b1.files.get('.qda/reviews/anna.jsonl'), base.files.get('.qda/reviews/anna.jsonl'), 'branch 1 leaves anna\'s file alone');
    const merged = new MemoryFileSystem({ ...Object.fromEntries(b1.files), ...Object.fromEntries(b2.files) });
    const { state } = await loadReviewState(merged);
    assert.deepEqual(state.threads[0].comments.map((c) => c.author), ['anna', 'veileder']);
    assert.equal(itemStatus(state, 'Tid og kø').status, 'needs-work');
    // Same events, files read in the other order and lines shuffled: same state.
    const files = [...merged.files].map(([p, b]) => parseReviewFile(p, new TextDecoder().decode(b)).lines.reverse()).flat();
    const shuffled = foldReviews([{ path: 'x', author: 'x', lines: files, diagnostics: [], text: '' }]);
    assert.deepEqual(shuffled.threads, state.threads);
  });

  it('a code agreed with one definition is back to needs-work when its definition changes, with a note of what it was', () => {
    const fs = [parseReviewFile(reviewsFileOf('veileder'), JSON.stringify(statusEvent({ author: 'veileder', ...at(1) }, 'Kundeinnsikt', 'agreed', 'Kunnskap om kunden.')) + '\n')];
    const state = foldReviews(fs);
    assert.equal(itemStatus(state, 'Kundeinnsikt', ' Kunnskap  om kunden.').status, 'agreed', 'white space is no change');
    const changed = itemStatus(state, 'Kundeinnsikt', 'Kunnskap om kundens behov.');
    assert.equal(changed.status, 'needs-work');
    assert.match(changed.note!, /the definition changed after veileder agreed it \(2026-12-06\); it was: Kunnskap om kunden\./);
    assert.equal(itemStatus(state, 'Noe annet').status, 'proposed');
  });

  it('a rename moves the threads and statuses on the item in every log, and changes nothing else in them', async () => {
    const fs = new MemoryFileSystem();
    const t = newThreadEvent({ author: 'veileder', ...at(1) }, { item: 'Kundeinnsikt' }, 'Hmm');
    await appendReviewEvents(fs, 'veileder', [t, newThreadEvent({ author: 'veileder', ...at(2) }, { item: 'Annet' }, 'Ok')]);
    // An unknown key from a newer tool must survive the rewrite.
    fs.files.set('.qda/reviews/anna.jsonl', new TextEncoder().encode(JSON.stringify({ ...statusEvent({ author: 'anna', ...at(3) }, 'kundeinnsikt', 'agreed', 'd'), future: 1 }) + '\n'));
    const { files } = await loadReviewState(fs);
    const { edits, blocked } = renameReviewItem(files, 'Kundeinnsikt', 'Kundekunnskap');
    assert.deepEqual(blocked, []);
    for (const e of edits) await fs.writeAtomic(e.path, e.text);
    const { state } = await loadReviewState(fs);
    assert.deepEqual(state.threads.map((x) => 'item' in x.on && x.on.item).sort(), ['Annet', 'Kundekunnskap']);
    assert.equal(itemStatus(state, 'Kundekunnskap', 'd').status, 'agreed');
    assert.match(new TextDecoder().decode(fs.files.get('.qda/reviews/anna.jsonl')), /"future":1/);
  });

  it('a line that does not parse is reported with its number, kept, and blocks appending to that log only', async () => {
    const broken = '{"kind":"comment","id":"r1","thread":"r1","on":{"item":"A"},"author":"anna","at":"2026-12-06T10:00:00Z","body":"ok"}\n{"kind":"comment", oops\n';
    const fs = new MemoryFileSystem({ '.qda/reviews/anna.jsonl': broken });
    const { state, files } = await loadReviewState(fs);
    assert.equal(state.threads.length, 1);
    assert.match(state.diagnostics[0].message, /Line 2 is not a valid review event/);
    await assert.rejects(appendReviewEvents(fs, 'anna', [replyEvent({ author: 'anna' }, 'r1', 'x')]), /anna\.jsonl line 2 is not a valid review event/);
    assert.equal(new TextDecoder().decode(fs.files.get('.qda/reviews/anna.jsonl')), broken, 'nothing written');
    assert.equal(renameReviewItem(files, 'A', 'B').blocked.length, 1);
    await appendReviewEvents(fs, 'veileder', [replyEvent({ author: 'veileder' }, 'r1', 'fine')]);
    assert.equal((await loadReviewState(fs)).state.threads[0].comments.length, 2);
  });

  it('an author name never becomes a path outside .qda/reviews', () => {
    assert.equal(reviewsFileOf('../../etc/passwd'), '.qda/reviews/__.._etc_passwd.jsonl');
    assert.equal(reviewsFileOf('Kari Nordmann'), '.qda/reviews/Kari Nordmann.jsonl');
  });

  it('review items: themes (##), groups (###) and codes with their definitions; not the Uncategorised heading', () => {
    const { codebook } = parseCodebook('codebook.md', '# K\n\n## Tema\nOm tema.\n\n### Gruppe\n- **Kode** — definisjonen.\n\n## Ukategorisert\n- **Løs**\n');
    const items = reviewItems(codebook);
    assert.deepEqual([...items.values()].map((i) => [i.name, i.kind]), [['Tema', 'theme'], ['Gruppe', 'group'], ['Kode', 'code'], ['Løs', 'code']]);
    assert.match(items.get('kode')!.definition, /definisjonen/);
    assert.deepEqual(items.get('Gruppe')!.path, ['Tema']);
  });
});

describe('qda review (dist/cli.js) on a copy of the demo project', function () {
  this.timeout(60_000);
  const CLI = resolve('dist/cli.js');
  let root: string;
  const qda = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'review', ...args, root], { encoding: 'utf8', env: { ...process.env, QDA_CODER: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  before(function () {
    if (!existsSync(CLI)) this.skip();
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'qda-review-'));
    cpSync('examples/demo-thesis', root, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('comment, reply, status and resolve from a terminal; --json lists the open threads and every status', () => {
    let r = qda('comment', 'Lederen bruker systemet selv', 'Overlapper med «Lederen går foran»?', '--author', 'veileder');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\.qda\/reviews\/veileder\.jsonl/);
    r = qda('--json');
    const first = JSON.parse(r.out);
    assert.equal(first.threads.length, 1);
    const id = first.threads[0].id;
    assert.equal(first.threads[0].on, 'Lederen bruker systemet selv');
    assert.deepEqual(first.threads[0].comments.map((c: { author: string; body: string }) => [c.author, c.body]), [['veileder', 'Overlapper med «Lederen går foran»?']]);
    assert.equal(first.status['Lederen bruker systemet selv'], 'proposed');
    assert.equal(first.status['Ledelse av innføringen'], 'proposed', 'themes are listed');
    assert.equal(first.status['Doble signaler'], 'proposed', 'groups are listed');
    assert.equal(qda('reply', id, 'Nei, den er smalere.', '--author', 'anna').code, 0);
    assert.equal(qda('status', 'Doble signaler', 'needs-work', '--author', 'veileder').code, 0);
    assert.equal(qda('resolve', id, '--author', 'veileder').code, 0);
    const after = JSON.parse(qda('--json').out);
    assert.deepEqual(after.threads, [], 'no open thread');
    assert.equal(after.status['Lederen bruker systemet selv'], 'agreed', 'its last open thread resolved');
    assert.equal(after.status['Doble signaler'], 'needs-work');
    const all = JSON.parse(qda('--json', '--all').out);
    assert.deepEqual(all.threads[0].comments.map((c: { author: string }) => c.author), ['veileder', 'anna']);
    assert.equal(all.threads[0].resolved, true);
    // The definition changes after it was agreed: back to needs-work, with a note.
    const cb = join(root, 'codebook.md');
    writeFileSync(cb, readFileSync(cb, 'utf8').replace('lederen åpner CRM i møter', 'lederen åpner CRM i alle møter'));
    const changed = JSON.parse(qda('--json').out);
    assert.equal(changed.status['Lederen bruker systemet selv'], 'needs-work');
    assert.match(changed.notes['Lederen bruker systemet selv'], /definition changed after veileder agreed it/);
    r = qda();
    assert.match(r.out, /needs-work\s+2: .*Doble signaler/);
    // qda stats counts them too.
    const stats = spawnSync(process.execPath, [CLI, 'stats', '--json', root], { encoding: 'utf8' });
    const review = JSON.parse(stats.stdout).review;
    assert.equal(review['needs-work'], 2);
    assert.equal(review.agreed, 0);
    assert.equal(review.openThreads, 0);
    assert.ok(review.proposed > 30, 'every other theme, group and code is proposed');
  });

  it('refuses a name that is not in the codebook and a status that does not exist, writing nothing', () => {
    let r = qda('comment', 'Finnes ikke', 'x', '--author', 'v');
    assert.equal(r.code, 2);
    assert.match(r.err, /no theme, group or code named 'Finnes ikke' in codebook\.md/);
    r = qda('status', 'Doble signaler', 'done', '--author', 'v');
    assert.match(r.err, /status must be one of proposed, needs-work, agreed/);
    assert.equal(existsSync(join(root, '.qda/reviews')), false);
  });
});

describe('theme report (HTML and Word) for supervisors', () => {
  const CODEBOOK = '# Kodebok\n\n## Ledelse 1 < 2 & "mer"\nHvordan lederne gikk foran.\n\n### Lederen går foran\n- **Lederen bruker systemet selv** — åpner CRM i møter.\n- **Tom kode** — ingen segmenter.\n\n## Kompetanse\n- **Sandkasse** — øving & trygghet.\n';
  const T1 = '**Intervjuer:** Hva gjør du?\n\n**FL1:** Jeg åpner CRM i alle møter <b>hver</b> dag.\n\n**R2:** Sandkassa var fin.\n';
  const coding = (id: string, code: string, start: number, end: number) => JSON.stringify({ id, doc: 'transcripts/t1.md', start, end, code, exact: T1.slice(start, end), prefix: '', suffix: '', coder: 'anna', at: '2026-12-01T10:00:00Z' });
  const s1 = T1.indexOf('Jeg åpner');
  const s2 = T1.indexOf('Sandkassa');
  async function build() {
    const { Project } = await import('../../server/src/core/project/project');
    const fs = new MemoryFileSystem({
      'qda.yaml': 'language: nb\ninterviewers: [Intervjuer]\ninformants:\n  FL1: { role: leder }\n  R2: { role: rådgiver }\n',
      'codebook.md': CODEBOOK,
      'transcripts/t1.md': T1,
      '.qda/codings/anna/transcripts/t1.md.jsonl': [coding('c1', 'Lederen bruker systemet selv', s1, s1 + 40), coding('c2', 'Sandkasse', s2, s2 + 17)].join('\n') + '\n',
    });
    const project = new Project(fs, 'anna');
    await project.load();
    const t = newThreadEvent({ author: 'veileder', ...at(1) }, { item: 'Lederen bruker systemet selv' }, 'Hva med <møter> uten CRM?');
    await appendReviewEvents(fs, 'veileder', [t, statusEvent({ author: 'veileder', ...at(2) }, 'Kompetanse', 'agreed', '')]);
    await appendReviewEvents(fs, 'veileder', [newThreadEvent({ author: 'veileder', ...at(3) }, { doc: 'transcripts/t1.md', start: s2, end: s2 + 9, exact: 'Sandkassa', prefix: '', suffix: '' }, 'Fin sitat')]);
    const { state } = await loadReviewState(fs);
    return { project, state };
  }

  it('per theme: groups, codes with definitions, counts by informant and attribute, segments with transcript and line, open threads', async () => {
    const { themeReport } = await import('../../server/src/core/review/themeReport');
    const { project, state } = await build();
    const r = themeReport(project, state);
    assert.deepEqual(r.themes.map((t) => t.name), ['Ledelse 1 < 2 & "mer"', 'Kompetanse']);
    const code = r.themes[0].sections[0].codes[0];
    assert.equal(r.themes[0].sections[0].group, 'Lederen går foran');
    assert.equal(code.name, 'Lederen bruker systemet selv');
    assert.deepEqual(code.byInformant, [['FL1', 1]]);
    assert.deepEqual(code.byAttribute, [{ attribute: 'role', counts: [['leder', 1]] }]);
    assert.equal(code.segments[0].doc, 'transcripts/t1.md');
    assert.equal(code.segments[0].line, 3);
    assert.equal(code.threads[0].comments[0].body, 'Hva med <møter> uten CRM?');
    assert.equal(r.themes[1].status?.status, 'agreed');
    assert.equal(r.passageThreads.length, 1);
    assert.deepEqual(r.totals, { themes: 2, codes: 3, segments: 2, openThreads: 2 });
    assert.equal(themeReport(project, state, { segmentsPerCode: 0 }).themes[0].sections[0].codes[0].omitted, 1);
  });

  it('HTML: one self-contained file, everything escaped, no script and nothing fetched', async () => {
    const { themeReport } = await import('../../server/src/core/review/themeReport');
    const { themeReportHtml } = await import('../../server/src/core/review/themeReportHtml');
    const { project, state } = await build();
    const html = themeReportHtml(themeReport(project, state), (_d, off) => T1.slice(0, off).split('\n').length - 1);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
    assert.doesNotMatch(html, /<script|src=|href="http|@import|url\(/i);
    assert.match(html, /Ledelse 1 &lt; 2 &amp; &quot;mer&quot;/);
    assert.match(html, /Hva med &lt;møter&gt; uten CRM\?/);
    assert.match(html, /&lt;b&gt;hver&lt;\/b&gt;/);
    assert.match(html, /transcripts\/t1\.md, linje 3/);
    assert.match(html, /<span class="status agreed">enig<\/span>/);
    assert.match(html, /transcripts\/t1\.md:5/, 'the passage thread says where it is');
    assert.match(html, /@media print/);
  });

  it('Word: real headings per theme, group and code, a table of contents, the segments and the threads', async () => {
    const { unzipSync, strFromU8 } = await import('fflate');
    const { themeReport } = await import('../../server/src/core/review/themeReport');
    const { themeReportDocx } = await import('../../server/src/core/review/themeReportDocx');
    const { project, state } = await build();
    const xml = strFromU8(unzipSync(await themeReportDocx(themeReport(project, state)))['word/document.xml']);
    const headings = [...xml.matchAll(/<w:pStyle w:val="(Heading\d)"\/>.*?<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(headings.slice(0, 4), [['Heading1', 'Ledelse 1 &lt; 2 &amp; &quot;mer&quot;'], ['Heading2', 'Lederen går foran'], ['Heading3', 'Lederen bruker systemet selv'], ['Heading3', 'Tom kode']]);
    assert.match(xml, /<w:instrText[^>]*>TOC \\h \\o &quot;1-3&quot;<\/w:instrText>/);
    assert.match(xml, /Temarapport – Kodebok/);
    assert.match(xml, /Jeg åpner CRM i alle møter &lt;b&gt;hver/);
    assert.match(xml, /Hva med &lt;møter&gt; uten CRM\?/);
  });
});

describe('review logs in git', function () {
  this.timeout(30_000);
  it('the same author comments on two branches: git merges the log without a conflict (merge=union from qda init) and both threads are there', async () => {
    const { NodeFileSystem } = await import('../../server/src/nodeFs');
    const { scaffoldProject } = await import('../../server/src/core/ops/scaffold');
    const root = mkdtempSync(join(tmpdir(), 'qda-review-git-'));
    try {
      const git = (...args: string[]) => {
        const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd: root, encoding: 'utf8' });
        assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}${r.stdout}`);
        return r.stdout;
      };
      const fs = new NodeFileSystem(root);
      await scaffoldProject(fs, { language: 'nb' });
      await appendReviewEvents(fs, 'veileder', [newThreadEvent({ author: 'veileder', ...at(1) }, { item: 'Tema' }, 'første')]);
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'base');
      git('checkout', '-qb', 'other');
      await appendReviewEvents(fs, 'veileder', [newThreadEvent({ author: 'veileder', ...at(2) }, { item: 'Tema' }, 'fra den andre grenen')]);
      git('commit', '-qam', 'other');
      git('checkout', '-q', 'main');
      await appendReviewEvents(fs, 'veileder', [newThreadEvent({ author: 'veileder', ...at(3) }, { item: 'Tema' }, 'fra main')]);
      git('commit', '-qam', 'main');
      git('merge', '-q', '--no-edit', 'other');
      const { state } = await loadReviewState(fs);
      assert.deepEqual(state.threads.map((t) => t.comments[0].body).sort(), ['fra den andre grenen', 'fra main', 'første']);
      assert.deepEqual(state.diagnostics, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
