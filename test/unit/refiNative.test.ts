// The REFI archive rules hold with the codec the CLI and server use (node:zlib's inflater and
// CRC, server/src/nodeZip.ts), not only with the pure-JS fallback the other tests run; and the
// one-pass XML reader (core/refi/xmlRead.ts) refuses what is not well-formed, naming the line.
import { strict as assert } from 'node:assert';
import { zipSync, strToU8, unzipSync, strFromU8 } from 'fflate';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { NODE_ZIP_CODEC } from '../../server/src/nodeZip';
import { Project } from '../../server/src/core/project/project';
import { buildRefiProject, exportQdpx } from '../../server/src/core/refi/exportProject';
import { importQdpx, RefiError } from '../../server/src/core/refi/importProject';
import { parseRefiXml, attr, child, kids, textOf } from '../../server/src/core/refi/xmlRead';
import * as path from 'node:path';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');
const QDE = (body = ''): string => `<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="T"><CodeBook><Codes><Code guid="20000000-0000-0000-0000-000000000001" name="A" isCodable="true"/></Codes></CodeBook>${body}</Project>\n`;
const BOMB_QDE = QDE('<Sources><TextSource guid="40000000-0000-0000-0000-000000000001" name="B" plainTextPath="internal://b.txt"/></Sources>');

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof RefiError && pattern.test((err as Error).message), String(pattern));
}

/** Sets a 2- or 4-byte field of entry `name`'s central header (and local header at `local`). */
function patch(zip: Uint8Array, name: string, central: number, value: number, size: 2 | 4, local?: number): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer);
  const nameBytes = strToU8(name);
  for (let i = 0; i < out.length - 46; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const len = view.getUint16(i + 28, true);
    if (len !== nameBytes.length || !out.subarray(i + 46, i + 46 + len).every((b, k) => b === nameBytes[k])) continue;
    const set = (at: number): void => (size === 2 ? view.setUint16(at, value, true) : view.setUint32(at, value, true));
    set(i + central);
    if (local !== undefined) set(view.getUint32(i + 42, true) + local);
    return out;
  }
  throw new Error(`no entry ${name}`);
}

describe('REFI-QDA with node:zlib (the CLI and server codec)', () => {
  const codec = NODE_ZIP_CODEC;

  it('an under-declared zip bomb stops at the declared size; bad CRC, truncation and damaged data are refused by name', () => {
    const bomb = patch(zipSync({ 'project.qde': strToU8(BOMB_QDE), 'sources/b.txt': new Uint8Array(8 * 1024 * 1024) }), 'sources/b.txt', 24, 1000, 4, 22);
    refused(() => importQdpx(bomb, { codec }), /sources\/b\.txt: inflates to more than the 1000 bytes it declares; refused/);
    // over-declared: inflates to less than it claims
    const over = patch(zipSync({ 'project.qde': strToU8(BOMB_QDE), 'sources/b.txt': strToU8('hello hello hello hello') }), 'sources/b.txt', 24, 500, 4, 22);
    refused(() => importQdpx(over, { codec }), /sources\/b\.txt: inflates to 23 bytes but declares 500/);
    const good = zipSync({ 'project.qde': strToU8(QDE()) });
    refused(() => importQdpx(patch(good, 'project.qde', 16, 12345, 4), { codec }), /project\.qde: CRC mismatch/);
    refused(() => importQdpx(good.subarray(0, good.length - 30), { codec }), /truncated|not a zip/);
    const damaged = new Uint8Array(zipSync({ 'project.qde': strToU8(QDE('x'.repeat(5000))) }));
    // overwrite the start of the deflate stream with an invalid block type (0b11)
    const dv = new DataView(damaged.buffer);
    const off = 30 + dv.getUint16(26, true) + dv.getUint16(28, true);
    damaged[off] = 0x07;
    refused(() => importQdpx(damaged, { codec }), /project\.qde: (damaged compressed data|CRC mismatch|inflates to)/);
    // the declared-size caps apply before inflating, whatever the codec
    refused(() => importQdpx(zipSync({ 'project.qde': strToU8(BOMB_QDE), 'sources/b.txt': new Uint8Array(2048) }), { codec, limits: { maxEntryBytes: 1024 } }), /b\.txt: declares 2048 bytes; at most 1024/);
  });

  it('exports the same project the JS codec does (entries identical), and imports it back identically', async () => {
    const project = new Project(new NodeFileSystem(DEMO), 'anna');
    await project.load();
    const native = exportQdpx(project, 'Demo', codec).bytes;
    const entries = buildRefiProject(project, 'Demo').entries;
    const unzipped = unzipSync(native);
    assert.deepEqual(Object.keys(unzipped)[0], 'project.qde', 'project.qde is the first entry');
    assert.deepEqual(Object.keys(unzipped).sort(), [...entries.keys()].sort());
    for (const [name, text] of entries) assert.equal(strFromU8(unzipped[name]), text, name);
    const a = importQdpx(native, { codec });
    const b = importQdpx(exportQdpx(project, 'Demo').bytes);
    assert.deepEqual([...a.files.entries()], [...b.files.entries()]);
    assert.deepEqual(exportQdpx(project, 'Demo', codec).bytes, native, 'two native exports are byte-identical');
  });

  it('decodes source texts as the JS path does: a leading BOM dropped, non-UTF-8 reported by GUID', () => {
    const qde = QDE('<Sources><TextSource guid="40000000-0000-0000-0000-000000000001" name="S" plainTextPath="internal://s.txt"><PlainTextSelection guid="50000000-0000-0000-0000-000000000001" startPosition="0" endPosition="4"><Coding guid="60000000-0000-0000-0000-000000000001"><CodeRef targetGUID="20000000-0000-0000-0000-000000000001"/></Coding></PlainTextSelection></TextSource><TextSource guid="40000000-0000-0000-0000-000000000002" name="L" plainTextPath="internal://l.txt"/></Sources>');
    const zip = zipSync({ 'project.qde': strToU8(qde), 'sources/s.txt': strToU8('\uFEFFhæll😀 og mer'), 'sources/l.txt': new Uint8Array([0x68, 0xe6, 0x6c]) });
    const js = importQdpx(zip);
    const native = importQdpx(zip, { codec });
    assert.deepEqual([...native.files.entries()], [...js.files.entries()]);
    assert.deepEqual(native.skipped, js.skipped);
    assert.match(native.skipped.join(), /TextSource 'L' \{40000000-0000-0000-0000-000000000002\}: internal:\/\/l\.txt is not UTF-8 text/);
    assert.ok(native.files.get('transcripts/S.md')!.endsWith('---\nhæll😀 og mer'));
  });
});

describe('REFI XML reader', () => {
  const parse = (xml: string): Record<string, unknown> => parseRefiXml(xml, 'p.qde', 200);

  it('reads attributes, text, CDATA, comments and character references as the tree the importer walks', () => {
    const doc = parse(`<?xml version="1.0"?>\n<!-- c --><q:Project xmlns:q="urn:x" name="a &amp; &lt;b&gt; &#10;&#x1F600;" q:origin='x'>\n  <Users><User guid="1" name="u1"/><User guid="2" name="u2"></User></Users>\n  <Description>one <![CDATA[<two> & ]]>three&apos;</Description>\n</q:Project>`);
    const p = child(doc, 'Project')!;
    assert.equal(attr(p, 'name'), 'a & <b> \n😀');
    assert.equal(attr(p, 'origin'), 'x');
    assert.deepEqual(kids(child(p, 'Users'), 'User').map((u) => attr(u, 'name')), ['u1', 'u2']);
    assert.equal(textOf(child(p, 'Description')), "one <two> & three'");
    assert.equal(textOf(child(p, 'Users')), '', 'layout whitespace between elements is not text');
  });

  it('refuses what is not well-formed, naming the line', () => {
    const cases: Array<[string, RegExp]> = [
      ['<Project>\n<Users>\n</Project>', /p\.qde line 3: not well-formed XML: closing tag <\/Project> where <\/Users> \(line 2\) was expected/],
      ['<Project>\n<Users>', /line 2: not well-formed XML: <Users> \(line 2\) is not closed before the end/],
      ['<Project name="x" name="y"/>', /line 1: not well-formed XML: <Project>: attribute name appears twice/],
      ['<Project name=x/>', /not quoted/],
      ['<Project\n name="a<b"/>', /line 2: not well-formed XML: <Project>: '<' in the value of name/],
      ['<Project>&nbsp;</Project>', /undefined entity &nbsp;/],
      ['<Project>a & b</Project>', /'&' that starts no reference/],
      ['<Project>&#0;</Project>', /not an XML character/],
      ['<Project/>\n<Project/>', /line 2: not well-formed XML: a second root element/],
      ['text<Project/>', /text outside the root element/],
      ['<Project a="1"b="2"/>', /separated by whitespace/],
      ['', /no root element/],
      ['<Project><!-- open</Project>', /a comment is not closed/],
    ];
    for (const [xml, pattern] of cases) refused(() => parse(xml), pattern);
    refused(() => parse('<?xml version="1.0"?>\n\n<!DOCTYPE x [<!ENTITY a "b">]><x/>'), /p\.qde line 3: a DOCTYPE or entity declaration; refused rather than expanded/);
    refused(() => parseRefiXml(`<a>${'<b>'.repeat(10)}${'</b>'.repeat(10)}</a>`, 'p.qde', 5), /p\.qde line 1: elements nested deeper than 5; refused/);
  });
});
