// REFI-QDA export: the demo thesis as .qdpx/.qdc validated against the REFI schemas with libxml2
// (xmllint-wasm), positions in code points, escaping, and GUIDs stable across exports.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { Project } from '../../server/src/core/project/project';
import { buildRefiCodebook, buildRefiProject, exportQdpx } from '../../server/src/core/refi/exportProject';
import { PositionMap } from '../../server/src/core/refi/text';
import { main } from '../../server/src/cli';
import { validate } from './refiValidate';

const ROOT = path.resolve(__dirname, '../../..');
const DEMO = path.join(ROOT, 'examples/demo-thesis');

async function demo(): Promise<Project> {
  const project = new Project(new NodeFileSystem(DEMO), 'anna');
  await project.load();
  return project;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['Code', 'User', 'TextSource', 'PlainTextSelection', 'Case', 'Variable', 'VariableValue', 'SourceRef', 'Note', 'NoteRef'].includes(name) });

describe('REFI-QDA export', () => {
  it('the demo thesis as project.qde validates against Project-mrt2019.xsd, with every coding of both coders', async () => {
    const project = await demo();
    const { entries, counts } = buildRefiProject(project, 'Demo');
    assert.deepEqual(await validate(entries.get('project.qde')!, 'Project-mrt2019.xsd'), []);
    // The validator does reject what the schema forbids (so the assertion above can fail).
    assert.notDeepEqual(await validate(entries.get('project.qde')!.replace(' isCodable="false"', ''), 'Project-mrt2019.xsd'), []);
    const doc = parser.parse(entries.get('project.qde')!);
    const users = doc.Project.Users.User.map((u: { name: string }) => u.name);
    assert.deepEqual(users, ['anna', 'bjorn']);
    const exported = counts.selections;
    const all = project.allCodings().filter((i) => i.anchored).length;
    assert.equal(exported, all);
    assert.ok(exported > 100, `${exported} codings`);
    // Every selection's text (by code points in its source file) is the coding's exact text.
    const byGuid = new Map<string, string>();
    for (const [name, text] of entries) if (name.startsWith('sources/')) byGuid.set(name.slice(8, -4), text);
    const exacts = new Set(project.allCodings().map((i) => `${i.coding.code}\u0000${i.coding.exact}`));
    const codeNames = new Map<string, string>();
    const walk = (codes: Array<{ guid: string; name: string; Code?: unknown[] }>): void => {
      for (const c of codes) {
        codeNames.set(c.guid, c.name);
        if (c.Code) walk(c.Code as typeof codes);
      }
    };
    walk(doc.Project.CodeBook.Codes.Code);
    let checked = 0;
    for (const src of doc.Project.Sources.TextSource) {
      const text = byGuid.get(src.plainTextPath.replace('internal://', '').replace(/\.txt$/, ''))!;
      const cps = [...text];
      for (const sel of src.PlainTextSelection ?? []) {
        const slice = cps.slice(Number(sel.startPosition), Number(sel.endPosition)).join('');
        const code = codeNames.get(sel.Coding.CodeRef.targetGUID)!;
        assert.ok(exacts.has(`${code}\u0000${slice}`), `${sel.guid}: ${code} / ${slice}`);
        checked++;
      }
    }
    assert.equal(checked, exported);
  });

  it('the codebook as .qdc validates against Codebook.xsd; themes and groups are non-codable parents with descriptions and colours', async () => {
    const project = await demo();
    const { xml, codes } = buildRefiCodebook(project);
    assert.deepEqual(await validate(xml, 'Codebook.xsd'), []);
    const doc = parser.parse(xml);
    const top = doc.CodeBook.Codes.Code[0];
    assert.equal(top.name, 'Ledelse av innføringen');
    assert.equal(top.isCodable, 'false');
    assert.match(top.Description, /førstelinjelederne/);
    assert.equal(top.Code[0].name, 'Lederen går foran');
    assert.equal(top.Code[0].Code[0].name, 'Lederen bruker systemet selv');
    assert.equal(top.Code[0].Code[0].isCodable, 'true');
    assert.equal(top.Code[0].Code[0].color, project.colorOf('Lederen bruker systemet selv'));
    assert.equal(codes, project.codebook.codes.length + project.codebook.categories.length - project.codebook.categories.filter((c) => /ukategorisert/i.test(c.name)).length);
  });

  it('GUIDs are stable: two exports of the same project are byte-identical', async () => {
    const a = exportQdpx(await demo(), 'Demo').bytes;
    const b = exportQdpx(await demo(), 'Demo').bytes;
    assert.ok(Buffer.from(a).equals(Buffer.from(b)));
    // and the GUIDs do not depend on which coder runs the export
    const other = new Project(new NodeFileSystem(DEMO), 'bjorn');
    await other.load();
    const c = buildRefiProject(other, 'Demo').entries.get('project.qde')!;
    const guids = (s: string): string[] => [...s.matchAll(/guid="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(guids(c), guids(strFromU8(unzipSync(a)['project.qde'])));
  });

  it('positions count code points: a coding after an emoji and names with markup characters', async () => {
    const text = '---\ntitle: "T <1> & \\"q\\""\n---\n**R1:** 😀 ja 😀 nei\n';
    const body = '**R1:** 😀 ja 😀 nei\n';
    const bodyStart = text.indexOf('**R1');
    const start = bodyStart + body.indexOf('nei');
    const coding = { id: 'c1', doc: 'transcripts/t.md', start, end: start + 3, code: 'A <b> & "c"', exact: 'nei', prefix: '', suffix: '', coder: 'kari', at: '2026-01-01T00:00:00Z' };
    const fs = new MemoryFileSystem({
      'transcripts/t.md': text,
      'codebook.md': '# CB\n\n## Tema & <x>\n\n- **A \\<b> & "c"** — beskrivelse med ]]> og \u0001kontroll\n',
      '.qda/codings/kari/transcripts/t.md.jsonl': JSON.stringify(coding) + '\n',
    });
    const project = new Project(fs, 'kari');
    await project.load();
    const { entries } = buildRefiProject(project, 'P & <Q>');
    const qde = entries.get('project.qde')!;
    assert.deepEqual(await validate(qde, 'Project-mrt2019.xsd'), []);
    const doc = parser.parse(qde);
    const sel = doc.Project.Sources.TextSource[0].PlainTextSelection[0];
    // 'nei' starts at UTF-16 offset 17 of the body but at code point 15 (two emoji before it).
    assert.equal(body.indexOf('nei'), 17);
    assert.equal(Number(sel.startPosition), 15);
    assert.equal(Number(sel.endPosition), 18);
    assert.equal(doc.Project.Sources.TextSource[0].name, 'T <1> & "q"');
    assert.equal(doc.Project.CodeBook.Codes.Code[0].Code[0].name, 'A <b> & "c"');
    assert.equal(doc.Project.name, 'P & <Q>');
    assert.equal(entries.get(`sources/${doc.Project.Sources.TextSource[0].guid}.txt`), body);
  });

  it('PositionMap converts both ways and refuses an offset inside a surrogate pair', () => {
    const m = new PositionMap('a😀b😀😀c');
    assert.deepEqual([0, 1, 3, 4, 6, 8, 9].map((o) => m.toCodePoints(o)), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(m.toCodePoints(2), undefined);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((c) => m.toUtf16(c)), [0, 1, 3, 4, 6, 8, 9]);
    assert.equal(m.toUtf16(7), undefined);
  });

  it('qda export qdpx and qdc write the files; qdpx without --out is refused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qda-refi-'));
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), cwd: dir };
    assert.equal(await main(['export', 'qdpx', '--out', 'thesis.qdpx', DEMO], io), 0);
    assert.equal(await main(['export', 'qdc', '--out', 'codebook.qdc', DEMO], io), 0);
    const zip = unzipSync(readFileSync(path.join(dir, 'thesis.qdpx')));
    assert.deepEqual(await validate(strFromU8(zip['project.qde']), 'Project-mrt2019.xsd'), []);
    assert.equal(Object.keys(zip).filter((n) => n.startsWith('sources/')).length, 7);
    assert.deepEqual(await validate(readFileSync(path.join(dir, 'codebook.qdc'), 'utf8'), 'Codebook.xsd'), []);
    assert.equal(await main(['export', 'qdpx', DEMO], io), 2);
  });
});
