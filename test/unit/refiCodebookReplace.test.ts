// `qda import codebook.qdc --replace` (issue 19): the .qdc replaces the codebook's code sections;
// a code the .qdc lacks is removed only when no coding names it — codes that codings still
// name are kept, under the uncategorised section, and named in a message.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { Project } from '../../server/src/core/project/project';
import { mergeQdc, RefiError } from '../../server/src/core/refi/importProject';
import { parseCodebook } from '../../server/src/core/parse/codebook';
import { normalizeName } from '../../server/src/core/text/text';
import { main } from '../../server/src/cli';

const ROOT = path.resolve(__dirname, '../../..');
const DEMO = path.join(ROOT, 'examples/demo-thesis');

const QDC = `<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo"><Codes>
  <Code guid="a0000000-0000-0000-0000-000000000001" name="Opplæring" isCodable="false" color="#112233">
    <Description>Alt om å lære systemet</Description>
    <Code guid="a0000000-0000-0000-0000-000000000002" name="E-læring gir lite" isCodable="true"><Description>Ny definisjon fra veileder</Description></Code>
    <Code guid="a0000000-0000-0000-0000-000000000003" name="Helt ny kode" isCodable="true"/>
  </Code>
  <Code guid="a0000000-0000-0000-0000-000000000004" name="Løs kode" isCodable="true"/>
</Codes></CodeBook>`;

async function demo(): Promise<Project> {
  const project = new Project(new NodeFileSystem(DEMO), 'anna');
  await project.load();
  return project;
}

function counts(project: Project): Map<string, number> {
  const m = new Map<string, number>();
  for (const { coding } of project.allCodings()) m.set(normalizeName(coding.code), (m.get(normalizeName(coding.code)) ?? 0) + 1);
  return m;
}

describe('REFI-QDA codebook --replace', () => {
  it('replaces the code sections, keeps every code that codings name (with a message) and removes only unused ones', async () => {
    const project = await demo();
    const text = project.textOf('codebook.md')!;
    const used = counts(project);
    const r = mergeQdc(QDC, 'new.qdc', text, project.codebook, { replace: true, codingCounts: used, language: 'nb' });
    const after = parseCodebook('codebook.md', r.text).codebook;
    const names = new Set([...after.codes, ...after.categories].map((c) => normalizeName(c.name)));

    // Never drop a coding: every code a coding names (and the codebook had) is still there.
    for (const [name, n] of used) {
      const wasDefined = project.codebook.codes.some((c) => normalizeName(c.name) === name) || project.codebook.categories.some((c) => normalizeName(c.name) === name);
      if (wasDefined) assert.ok(names.has(name), `${name} (${n} codings) was dropped`);
    }
    // The .qdc's tree is there, its definition wins for a name both have.
    assert.ok(after.categories.some((c) => c.name === 'Opplæring' && c.level === 2));
    assert.equal(after.codes.find((c) => c.name === 'E-læring gir lite')!.description, 'Ny definisjon fra veileder');
    assert.deepEqual(after.codes.find((c) => c.name === 'E-læring gir lite')!.categoryPath, ['Opplæring']);
    assert.deepEqual(after.codes.find((c) => c.name === 'Løs kode')!.categoryPath, ['Ukategorisert']);
    assert.deepEqual(r.replaced, ['E-læring gir lite']);
    assert.deepEqual(r.addedNames, ['Opplæring', 'Helt ny kode', 'Løs kode']);
    assert.equal(r.colors['Opplæring'], '#112233');

    // Kept codes: under Ukategorisert, with their description, each named in a message with its count.
    const keptCode = project.codebook.codes.find((c) => c.name !== 'E-læring gir lite' && (used.get(normalizeName(c.name)) ?? 0) > 0)!;
    const kept = after.codes.find((c) => c.name === keptCode.name)!;
    assert.deepEqual(kept.categoryPath, ['Ukategorisert']);
    assert.equal(kept.description, keptCode.description.replace(/\s*\n\s*/g, ' ').trim());
    const n = used.get(normalizeName(keptCode.name))!;
    assert.ok(r.kept.some((k) => k.startsWith(`code '${keptCode.name}' (codebook.md:${keptCode.line + 1}) is not in new.qdc but ${n === 1 ? '1 coding names it' : `${n} codings name it`}; kept under 'Ukategorisert'`)), r.kept.join('\n'));
    // Removed: what no coding names, and only that.
    assert.ok(r.removed.length > 0);
    for (const name of r.removed) {
      assert.equal(used.get(normalizeName(name)) ?? 0, 0, name);
      assert.ok(!names.has(normalizeName(name)), name);
    }
    assert.ok(r.removed.includes('Ledelse av innføringen') || used.has(normalizeName('Ledelse av innføringen')));
    // The title and the introduction stay.
    assert.ok(r.text.startsWith(text.slice(0, text.indexOf('\n## ')).trimEnd() + '\n\n## Opplæring'), r.text.slice(0, 600));
    // The result parses cleanly: one definition per name.
    assert.equal(new Set(after.codes.map((c) => normalizeName(c.name))).size, after.codes.length);
  });

  it('without --replace a taken name is still skipped; an empty .qdc cannot replace a codebook', async () => {
    const project = await demo();
    const text = project.textOf('codebook.md')!;
    const merged = mergeQdc(QDC, 'new.qdc', text, project.codebook);
    assert.match(merged.skipped.join('\n'), /Code 'E-læring gir lite' \{a0000000-0000-0000-0000-000000000002\}: the name is taken; skipped/);
    assert.deepEqual(merged.kept, []);
    assert.deepEqual(merged.removed, []);
    assert.throws(
      () => mergeQdc('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', 'empty.qdc', text, project.codebook, { replace: true, codingCounts: counts(project) }),
      (e: unknown) => e instanceof RefiError && /empty\.qdc: the codebook has no codes; replacing would empty codebook\.md/.test((e as Error).message),
    );
  });

  it('qda import FILE.qdc --replace writes codebook.md and says what was kept and removed; --rename with --replace is refused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qda-refi-replace-'));
    cpSync(DEMO, path.join(dir, 'p'), { recursive: true });
    const qdc = path.join(dir, 'new.qdc');
    (await import('node:fs')).writeFileSync(qdc, QDC);
    const log: string[] = [];
    const io = { stdout: (s: string) => log.push(s), stderr: (s: string) => log.push(s), cwd: dir };
    assert.equal(await main(['import', qdc, '--project', 'p', '--rename', '--replace'], io), 2);
    assert.match(log.join(''), /--rename and --replace exclude each other/);
    log.length = 0;
    assert.equal(await main(['import', qdc, '--project', 'p', '--replace'], io), 0, log.join(''));
    const out = log.join('');
    assert.match(out, /^kept: code '.+' \(codebook\.md:\d+\) is not in .*new\.qdc but \d+ codings? names? it; kept under 'Ukategorisert'$/m);
    assert.match(out, /^removed \(no coding names them\): /m);
    assert.match(out, /Replaced the codebook in codebook\.md with .*new\.qdc: 4 codes \(3 new, 1 redefined\), \d+ kept because codings name them, \d+ removed\./);
    const after = new Project(new NodeFileSystem(path.join(dir, 'p')), 'anna');
    await after.load();
    // Every coding still names a code of the codebook.
    const defined = new Set([...after.codebook.codes, ...after.codebook.categories].map((c) => normalizeName(c.name)));
    const before = await demo();
    const definedBefore = new Set([...before.codebook.codes, ...before.codebook.categories].map((c) => normalizeName(c.name)));
    for (const { coding } of after.allCodings()) if (definedBefore.has(normalizeName(coding.code))) assert.ok(defined.has(normalizeName(coding.code)), coding.code);
    assert.match(readFileSync(path.join(dir, 'p/qda.yaml'), 'utf8'), /Opplæring: "#112233"/);
  });
});
