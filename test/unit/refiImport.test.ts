// REFI-QDA import: the round trip of the demo thesis, the public samples, and archives crafted
// here to break the rules of issue 19 point 3 (an archive is untrusted input).
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { Project } from '../../server/src/core/project/project';
import { buildRefiProject, exportQdpx } from '../../server/src/core/refi/exportProject';
import { importQdpx, mergeQdc, RefiError, type RefiImportResult } from '../../server/src/core/refi/importProject';
import { parseCodebook } from '../../server/src/core/parse/codebook';
import { main } from '../../server/src/cli';
import { validate } from './refiValidate';

const ROOT = path.resolve(__dirname, '../../..');
const DEMO = path.join(ROOT, 'examples/demo-thesis');
const SAMPLES = path.resolve(ROOT, '../shared/refi/samples');

async function load(files: Map<string, string>): Promise<Project> {
  const project = new Project(new MemoryFileSystem(Object.fromEntries(files)), 'anna');
  await project.load();
  return project;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['Code', 'User', 'TextSource', 'PlainTextSelection', 'Case', 'Variable', 'VariableValue', 'SourceRef', 'Note'].includes(n) });

interface Summary {
  codes: unknown[];
  sources: unknown[];
  cases: unknown[];
  notes: unknown[];
  users: string[];
}

/** What a round trip must keep, with GUIDs replaced by what they point at. */
function summary(entries: Map<string, string>): Summary {
  const p = parser.parse(entries.get('project.qde')!).Project;
  const codeName = new Map<string, string>();
  const users = new Map<string, string>();
  for (const u of p.Users?.User ?? []) users.set(u.guid, u.name);
  const codes = (list: Array<Record<string, unknown>> = []): unknown[] => list.map((c) => {
    codeName.set(c.guid as string, c.name as string);
    return { name: c.name, codable: c.isCodable, color: c.color, description: c.Description, children: codes(c.Code as Array<Record<string, unknown>>) };
  });
  const tree = codes(p.CodeBook?.Codes?.Code);
  const vars = new Map<string, string>();
  for (const v of p.Variables?.Variable ?? []) vars.set(v.guid, v.name);
  const sourceName = new Map<string, string>();
  const sources = (p.Sources?.TextSource ?? []).map((s: Record<string, string> & { PlainTextSelection?: Array<Record<string, unknown>> }) => {
    sourceName.set(s.guid, s.name);
    return {
      name: s.name,
      text: entries.get(`sources/${s.plainTextPath.replace('internal://', '')}`),
      selections: (s.PlainTextSelection ?? []).map((sel) => {
        const coding = sel.Coding as Record<string, unknown> & { CodeRef: { targetGUID: string } };
        return { start: sel.startPosition, end: sel.endPosition, name: sel.name, code: codeName.get(coding.CodeRef.targetGUID), coder: users.get(sel.creatingUser as string), at: sel.creationDateTime };
      }),
    };
  });
  const cases = (p.Cases?.Case ?? []).map((c: Record<string, unknown>) => ({
    name: c.name,
    values: ((c.VariableValue ?? []) as Array<{ VariableRef: { targetGUID: string }; TextValue: string }>).map((v) => [vars.get(v.VariableRef.targetGUID), v.TextValue]),
    sources: ((c.SourceRef ?? []) as Array<{ targetGUID: string }>).map((s) => sourceName.get(s.targetGUID)),
  }));
  const notes = (p.Notes?.Note ?? []).map((n: Record<string, unknown>) => ({ name: n.name, text: n.PlainTextContent }));
  // Transcript order follows file paths, which an import renames; the order is not content.
  sources.sort((x: { name: string }, y: { name: string }) => (x.name < y.name ? -1 : 1));
  for (const c of cases) c.sources.sort();
  notes.sort((x: { name: string }, y: { name: string }) => (x.name < y.name ? -1 : 1));
  return { codes: tree, sources, cases, notes, users: [...users.values()] };
}

function sample(file: string): Uint8Array {
  return readFileSync(path.join(SAMPLES, file));
}

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof RefiError && pattern.test((err as Error).message));
}

const QDE = (body = '', users = ''): string => `<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="T">${users}<CodeBook><Codes><Code guid="20000000-0000-0000-0000-000000000001" name="A" isCodable="true"/></Codes></CodeBook>${body}</Project>\n`;

/** Patches a field of the central directory header (and, at `local`, the local header) of entry `name`. */
function patch(zip: Uint8Array, name: string, central: number, value: number, size: 2 | 4, local?: number): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer);
  const nameBytes = strToU8(name);
  for (let i = 0; i < out.length - 46; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const len = view.getUint16(i + 28, true);
    if (len !== nameBytes.length || !out.subarray(i + 46, i + 46 + len).every((b, k) => b === nameBytes[k])) continue;
    if (size === 2) view.setUint16(i + central, value, true);
    else view.setUint32(i + central, value, true);
    if (local !== undefined) {
      const lo = view.getUint32(i + 42, true);
      if (size === 2) view.setUint16(lo + local, value, true);
      else view.setUint32(lo + local, value, true);
    }
    return out;
  }
  throw new Error(`no entry ${name}`);
}

describe('REFI-QDA import', () => {
  let demoExport: Map<string, string>;
  let imported: RefiImportResult;

  before(async () => {
    const project = new Project(new NodeFileSystem(DEMO), 'anna');
    await project.load();
    const { bytes } = exportQdpx(project, 'Demo');
    demoExport = buildRefiProject(project, 'Demo').entries;
    imported = importQdpx(bytes);
  });

  it('round trip: demo → export → import → export keeps names, texts, code-point positions, coders, colours, descriptions, cases and notes', async () => {
    assert.deepEqual(imported.skipped, []);
    const again = buildRefiProject(await load(imported.files), 'Demo');
    assert.deepEqual(again.warnings, []);
    assert.deepEqual(await validate(again.entries.get('project.qde')!, 'Project-mrt2019.xsd'), []);
    const a = summary(demoExport);
    const b = summary(again.entries);
    assert.ok((a.sources as Array<{ selections: unknown[] }>).reduce((n, s) => n + s.selections.length, 0) > 100);
    assert.deepEqual(b.users, a.users);
    assert.deepEqual(b.codes, a.codes);
    assert.deepEqual(b.sources, a.sources);
    assert.deepEqual(b.cases, a.cases);
    assert.deepEqual(b.notes, a.notes);
    // and a second round trip changes nothing at all, GUIDs included
    const third = buildRefiProject(await load(importQdpx(exportQdpx(await load(imported.files), 'Demo').bytes).files), 'Demo');
    assert.equal(third.entries.get('project.qde'), again.entries.get('project.qde'));
  });

  it('imported codings sit on the same words in the new transcripts, per coder', async () => {
    const project = await load(imported.files);
    const infos = project.allCodings();
    assert.equal(infos.length, 149);
    assert.ok(infos.every((i) => i.anchored));
    assert.deepEqual([...new Set(infos.map((i) => i.coding.coder))].sort(), ['anna', 'bjorn']);
    for (const i of infos) assert.equal(project.textOf(i.coding.doc)!.slice(i.coding.start, i.coding.end), i.coding.exact);
  });

  it('code points become UTF-16 offsets: a selection after emoji lands on its words', async () => {
    const text = 'a 😀 b 😀😀 target text';
    const cp = [...text].indexOf('t');
    const qde = QDE(`<Sources><TextSource guid="40000000-0000-0000-0000-000000000001" name="E"><PlainTextContent>${text}</PlainTextContent><PlainTextSelection guid="50000000-0000-0000-0000-000000000001" startPosition="${cp}" endPosition="${cp + 6}"><Coding guid="60000000-0000-0000-0000-000000000001"><CodeRef targetGUID="20000000-0000-0000-0000-000000000001"/></Coding></PlainTextSelection></TextSource></Sources>`);
    const r = importQdpx(zipSync({ 'project.qde': strToU8(qde) }));
    const project = await load(r.files);
    const [c] = project.allCodings();
    assert.equal(c.coding.exact, 'target');
    assert.equal(c.coding.coder, 'imported');
  });

  it('the hand-authored sample: overlapping selections, nested codes, a case with variables, a note; pictures, PDF, audio and video reported by name and GUID', async () => {
    const dir = path.join(SAMPLES, 'ornio-hand-authored');
    const txt = '11111111-1111-1111-1111-111111111111.txt';
    const r = importQdpx(zipSync({ 'project.qde': readFileSync(path.join(dir, 'project.qde')), [`sources/${txt}`]: readFileSync(path.join(dir, 'sources', txt)) }));
    const project = await load(r.files);
    const codings = project.allCodings().sort((a, b) => a.coding.start - b.coding.start);
    assert.deepEqual(codings.map((c) => [c.coding.code, c.coding.coder]), [['Health', 'researcher-a'], ['Diet', 'researcher-a']]);
    // the two selections overlap (code points 9–15), each on its own words
    const source = readFileSync(path.join(dir, 'sources', txt), 'utf8');
    assert.equal(codings[0].coding.exact, [...source].slice(0, 15).join(''));
    assert.equal(codings[1].coding.exact, [...source].slice(9, 23).join(''));
    assert.deepEqual(project.codebook.codes.map((c) => [c.name, c.parentCode, c.categoryPath.join('/'), c.description]), [
      ['Health', undefined, 'Topics', 'Anything about physical or mental health'],
      ['Diet', 'Health', 'Topics', 'Food and eating habits'],
      ['Wellbeing', undefined, 'Topics', ''],
    ]);
    assert.equal(project.colorOf('Diet'), '#dc0000');
    assert.deepEqual(project.config.informants['Participant 1'], { Age: '34', Consented: 'true' });
    assert.deepEqual(project.transcriptOf('transcripts/Interview 1.md')!.informants, ['Participant 1']);
    assert.equal(r.files.get('memos/Research memo.md'), 'Remember to follow up on diet-related comments.');
    const skipped = r.skipped.join('\n');
    assert.match(skipped, /PictureSource 'photo\.jpg' \{40000000-0000-0000-0000-000000000002\}.*sources\/22222222-2222-2222-2222-222222222222\.jpg is missing/);
    assert.match(skipped, /PDFSource 'doc\.pdf' \{40000000-0000-0000-0000-000000000003\}/);
    assert.match(skipped, /AudioSource 'interview\.m4a' \{40000000-0000-0000-0000-000000000004\}/);
    assert.match(skipped, /VideoSource 'clip\.mp4' \{40000000-0000-0000-0000-000000000005\}/);
  });

  it('the ATLAS.ti samples: users only, and a non-leaf code with two children', async () => {
    const blank = importQdpx(sample('ponte/blank-atlas-project.qdpx'));
    assert.equal(blank.counts.transcripts, 0);
    assert.deepEqual(blank.skipped, []);
    const target = await load(importQdpx(sample('ponte/target-atlas-project.qdpx')).files);
    const commits = target.codebook.codes.find((c) => c.name === 'Commits') ?? target.codebook.categories.find((c) => c.name === 'Commits');
    assert.ok(commits, target.textOf('codebook.md'));
    const children = target.codebook.codes.filter((c) => c.parentCode === 'Commits' || c.categoryPath.includes('Commits'));
    assert.equal(children.length, 2, target.textOf('codebook.md'));
  });

  it('accepts Project.qde and Sources/ in any case, and a project file named after the project', () => {
    const qde = QDE('<Sources><TextSource guid="40000000-0000-0000-0000-000000000001" name="S" plainTextPath="internal://x.txt"/></Sources>');
    for (const [q, s] of [['Project.qde', 'Sources/x.txt'], ['Trial.qde', 'sources/x.txt'], ['project.qde', 'SOURCES/x.txt']]) {
      const r = importQdpx(zipSync({ [q]: strToU8(qde), [s]: strToU8('hello') }));
      assert.equal(r.files.get('transcripts/S.md')!.endsWith('---\nhello'), true, q);
    }
  });

  it('untrusted archives: two .qde, DOCTYPE/entities, deep nesting, zip bomb, truncation, bad CRC, encryption, symlinks, entry count', () => {
    const qde = strToU8(QDE());
    refused(() => importQdpx(zipSync({ 'a.qde': qde, 'project.qde': qde })), /2 \.qde files.*ambiguous/);
    refused(() => importQdpx(zipSync({ 'x.txt': strToU8('x') })), /no project\.qde/);
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<Project name="&b;"/>`;
    refused(() => importQdpx(zipSync({ 'project.qde': strToU8(bomb) })), /project\.qde line 2: a DOCTYPE or entity declaration/);
    const external = `<?xml version="1.0"?>\n<!DOCTYPE Project SYSTEM "file:///etc/passwd">\n<Project name="x"/>`;
    refused(() => importQdpx(zipSync({ 'project.qde': strToU8(external) })), /DOCTYPE/);
    const deep = `<Project name="x">${'<Description>'.repeat(500)}${'</Description>'.repeat(500)}</Project>`;
    refused(() => importQdpx(zipSync({ 'project.qde': strToU8(deep) })), /nested deeper than 200/);
    refused(() => importQdpx(zipSync({ 'project.qde': strToU8('<Project name="x">\n<Users>\n</Project>') })), /project\.qde line 3: not well-formed/);

    // an under-declared zip bomb: 8 MB of zeros that claims to be 1,000 bytes
    const bombQde = QDE('<Sources><TextSource guid="40000000-0000-0000-0000-000000000001" name="B" plainTextPath="internal://b.txt"/></Sources>');
    const bombZip = patch(zipSync({ 'project.qde': strToU8(bombQde), 'sources/b.txt': new Uint8Array(8 * 1024 * 1024) }), 'sources/b.txt', 24, 1000, 4, 22);
    assert.ok(bombZip.length < 100_000);
    refused(() => importQdpx(bombZip), /sources\/b\.txt: inflates to more than the 1000 bytes it declares/);
    // declared sizes over the cap are refused before inflating
    refused(() => importQdpx(zipSync({ 'project.qde': strToU8(bombQde), 'sources/b.txt': new Uint8Array(2048) }), { limits: { maxEntryBytes: 1024 } }), /b\.txt: declares 2048 bytes; at most 1024/);
    refused(() => importQdpx(zipSync({ 'project.qde': strToU8(bombQde), 'sources/b.txt': new Uint8Array(2048) }), { limits: { maxTotalBytes: 2100 } }), /b\.txt: the archive's entries together exceed 2100 bytes/);

    const good = zipSync({ 'project.qde': qde });
    refused(() => importQdpx(good.subarray(0, good.length - 30)), /truncated|not a zip/);
    refused(() => importQdpx(good.subarray(0, 40)), /truncated|not a zip/);
    refused(() => importQdpx(patch(good, 'project.qde', 16, 12345, 4)), /project\.qde: CRC mismatch/);
    refused(() => importQdpx(patch(good, 'project.qde', 8, 1, 2)), /project\.qde: encrypted/);
    const link = patch(patch(good, 'project.qde', 4, 0x031e, 2), 'project.qde', 38, 0xa1ff0000, 4);
    refused(() => importQdpx(link), /symbolic link/);
    refused(() => importQdpx(zipSync({ 'project.qde': qde, a: strToU8(''), b: strToU8('') }), { limits: { maxEntries: 2 } }), /3 entries; at most 2/);
  });

  it('entry names never become paths: zip-slip, absolute and backslash names are reported by GUID and the rest imports', () => {
    const sources = ['../evil.txt', '/etc/passwd', '..\\..\\evil.txt', 'sub/dir.txt'].map((n, i) => `<TextSource guid="40000000-0000-0000-0000-00000000000${i}" name="S${i}" plainTextPath="internal://${n}"/>`).join('');
    const qde = QDE(`<Sources>${sources}<TextSource guid="40000000-0000-0000-0000-000000000009" name="ok"><PlainTextContent>fine</PlainTextContent></TextSource></Sources>`);
    const r = importQdpx(zipSync({ 'project.qde': strToU8(qde), 'sources/../evil.txt': strToU8('x'), '/etc/passwd': strToU8('x'), 'sources/sub/dir.txt': strToU8('x') }));
    assert.deepEqual([...r.files.keys()].filter((k) => k.startsWith('transcripts/')), ['transcripts/ok.md']);
    for (let i = 0; i < 4; i++) assert.match(r.skipped[i], new RegExp(`TextSource 'S${i}' \\{40000000-0000-0000-0000-00000000000${i}\\}: internal://.* is not a flat file name`));
    // names that would escape the folder are cleaned when they become file names
    const names = importQdpx(zipSync({ 'project.qde': strToU8(QDE(`<Sources><TextSource guid="40000000-0000-0000-0000-000000000001" name="../../x"><PlainTextContent>a</PlainTextContent></TextSource><TextSource guid="40000000-0000-0000-0000-000000000002" name="C:\\x"><PlainTextContent>b</PlainTextContent></TextSource></Sources>`)) }));
    for (const k of names.files.keys()) assert.ok(!k.includes('..') && !k.includes('\\') && !k.includes(':'), k);
  });

  it('selections outside the text, reversed, empty or naming an unknown code are reported by GUID, not imported', async () => {
    const sel = (g: number, s: number, e: number, code = '20000000-0000-0000-0000-000000000001'): string => `<PlainTextSelection guid="50000000-0000-0000-0000-00000000000${g}" startPosition="${s}" endPosition="${e}"><Coding guid="60000000-0000-0000-0000-00000000000${g}"><CodeRef targetGUID="${code}"/></Coding></PlainTextSelection>`;
    const qde = QDE(`<Sources><TextSource guid="40000000-0000-0000-0000-000000000001" name="S"><PlainTextContent>0123456789</PlainTextContent>${sel(1, 2, 5)}${sel(2, 5, 11)}${sel(3, 6, 4)}${sel(4, 3, 3)}${sel(5, 1, 2, '20000000-0000-0000-0000-0000000000ff')}${sel(6, -1, 2)}</TextSource></Sources>`);
    const r = importQdpx(zipSync({ 'project.qde': strToU8(qde) }));
    const project = await load(r.files);
    assert.deepEqual(project.allCodings().map((c) => c.coding.exact), ['234']);
    assert.equal(r.skipped.length, 5);
    assert.match(r.skipped[0], /50000000-0000-0000-0000-000000000002.*outside the text/);
    assert.match(r.skipped[1], /50000000-0000-0000-0000-000000000003.*reversed/);
    assert.match(r.skipped[2], /50000000-0000-0000-0000-000000000004.*empty/);
    assert.match(r.skipped[3], /50000000-0000-0000-0000-000000000005.*unknown code/);
    assert.match(r.skipped[4], /50000000-0000-0000-0000-000000000006.*outside the text/);
  });

  it('qda import PROJECT.qdpx --out DIR writes a new project; a failed import leaves DIR untouched', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qda-refi-import-'));
    const log: string[] = [];
    const io = { stdout: (s: string) => log.push(s), stderr: (s: string) => log.push(s), cwd: dir };
    assert.equal(await main(['export', 'qdpx', '--out', 'demo.qdpx', DEMO], io), 0);
    assert.equal(await main(['import', 'demo.qdpx', '--out', 'back'], io), 0, log.join(''));
    assert.ok(existsSync(path.join(dir, 'back/codebook.md')));
    assert.equal(await main(['check', path.join(dir, 'back')], io), 0, log.join(''));
    // not into a folder that holds something
    assert.equal(await main(['import', 'demo.qdpx', '--out', 'back'], io), 2);
    // a damaged archive: nothing is written, an empty target stays empty, a missing one missing
    const bad = new Uint8Array(readFileSync(path.join(dir, 'demo.qdpx')));
    bad[bad.length - 200] ^= 0xff;
    writeFileSync(path.join(dir, 'bad.qdpx'), patch(zipSync({ 'project.qde': strToU8(QDE()) }), 'project.qde', 16, 1, 4));
    mkdirSync(path.join(dir, 'empty'));
    assert.equal(await main(['import', 'bad.qdpx', '--out', 'empty'], io), 2);
    assert.equal(await main(['import', 'bad.qdpx', '--out', 'none'], io), 2);
    assert.deepEqual(readdirSync(path.join(dir, 'empty')), []);
    assert.ok(!existsSync(path.join(dir, 'none')));
    assert.deepEqual(readdirSync(dir).sort(), ['back', 'bad.qdpx', 'demo.qdpx', 'empty']);
    assert.match(log.join(''), /bad\.qdpx: project\.qde: CRC mismatch/);
  });

  it('a .qdc merges into codebook.md: the spec annex codebook; taken names skipped by GUID, or renamed with --rename', async () => {
    const text = readFileSync(path.join(DEMO, 'codebook.md'), 'utf8');
    const existing = parseCodebook('codebook.md', text).codebook;
    const annex = readFileSync(path.join(SAMPLES, 'refi-spec/annex-a1-codebook.qdc'), 'utf8');
    const merged = mergeQdc(annex, 'annex.qdc', text, existing);
    assert.ok(merged.text.startsWith(text.trimEnd().split('\n').slice(0, -1).join('\n')));
    const after = parseCodebook('codebook.md', merged.text).codebook;
    assert.deepEqual(after.codes.length, existing.codes.length + 4);
    assert.deepEqual(after.codes.find((c) => c.name === 'Health care')!.categoryPath, ['Ukategorisert']);
    assert.equal(after.codes.find((c) => c.name === 'Health care')!.description, 'Health care issues, doctor, patients, etc.');
    assert.ok(after.categories.some((c) => c.name === 'Topics'));
    assert.equal(merged.colors['Liberals'], '#0000ff');
    const clash = '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="E-læring gir lite" isCodable="true"><Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0b" name="Ny kode" isCodable="true"/></Code></Codes></CodeBook>';
    const skip = mergeQdc(clash, 'c.qdc', text, existing);
    assert.match(skip.skipped.join(), /Code 'E-læring gir lite' \{d7aa29da-519b-4946-9b90-253b6db8fd0a\}: the name is taken; skipped/);
    assert.deepEqual(parseCodebook('codebook.md', skip.text).codebook.codes.filter((c) => /E-læring gir lite/.test(c.name)).length, 1);
    assert.ok(parseCodebook('codebook.md', skip.text).codebook.codes.some((c) => c.name === 'Ny kode'));
    const renamed = mergeQdc(clash, 'c.qdc', text, existing, { rename: true });
    assert.ok(parseCodebook('codebook.md', renamed.text).codebook.codes.some((c) => c.name === 'E-læring gir lite (2)' && c.children.includes('Ny kode')));
    refused(() => mergeQdc('<Project name="x"/>', 'p.qdc', text, existing), /p\.qdc: the root element is not <CodeBook>/);
    // qda import codebook.qdc --project DIR: codebook.md and qda.yaml colours, comments kept
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qda-refi-qdc-'));
    cpSync(DEMO, path.join(dir, 'p'), { recursive: true });
    const log: string[] = [];
    const io = { stdout: (s: string) => log.push(s), stderr: (s: string) => log.push(s), cwd: dir };
    assert.equal(await main(['import', path.join(SAMPLES, 'refi-spec/annex-a1-codebook.qdc'), '--project', 'p'], io), 0, log.join(''));
    assert.match(readFileSync(path.join(dir, 'p/codebook.md'), 'utf8'), /- \*\*Economy\*\* — Anything about jobs/);
    const yaml = readFileSync(path.join(dir, 'p/qda.yaml'), 'utf8');
    assert.match(yaml, /^# Thesis QDA: innstillinger/);
    assert.match(yaml, /Economy: "#ffff00"/);
  });
});
