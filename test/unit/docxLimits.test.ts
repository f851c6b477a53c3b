// Hostile .docx files, built here: a zip bomb whose entry lies about its size, honest but huge
// documents, XML that would make mammoth's parser slow or huge, and XML errors. Each is
// refused with one line naming the file, fast, and (measured in a child process running the
// real CLI) without the process ever passing 300 MB.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importTranscript, ImportError } from '../../server/src/core/import/index';
import { collapseSpaces, findXmlError, MAX_XML_ELEMENTS } from '../../server/src/core/import/docx';
import { unzipSync, strFromU8 } from 'fflate';
import { oneLine } from '../../server/src/core/import/writer';
import { DOC_HEAD, DOC_TAIL, docxEntries, documentXml, hostileZip, repeatedDocument } from './hostileZip';

const MiB = 1024 * 1024;
const zeros = (total: number) =>
  function* (): Iterable<Uint8Array> {
    const chunk = new Uint8Array(MiB).fill(0x20);
    for (let left = total; left > 0; left -= MiB) yield left >= MiB ? chunk : chunk.subarray(0, left);
  };
const TURNS = '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Intervjuer:</w:t></w:r><w:r><w:t xml:space="preserve"> Kan du fortelle litt om hvordan dere jobber med digitale verktøy i hverdagen?</w:t></w:r></w:p><w:p><w:r><w:t>R1: Ja, vi har jo gått over til Teams for det meste, og det har vært en overgang for mange.</w:t></w:r></w:p>';

const P_OPEN = '<w:p><w:r><w:t xml:space="preserve">Intervjuer: ';
const P_CLOSE = '</w:t></w:r></w:p>';

/** A document.xml of `unit` (holding `elements` XML elements) repeated as often as the element limit allows. */
function atTheLimit(unit: string, elements: number): () => Iterable<Uint8Array> {
  const count = Math.floor((MAX_XML_ELEMENTS - 20) / elements);
  return repeatedDocument(unit, count * new TextEncoder().encode(unit).length + DOC_HEAD.length + DOC_TAIL.length);
}
const SHORT_TURN = '<w:p><w:r><w:t>R1: ja</w:t></w:r></w:p>';
const CELL = '<w:tc><w:p><w:r><w:t>celle</w:t></w:r></w:p></w:tc>';
const TABLE = `<w:tbl>${`<w:tr>${CELL.repeat(4)}</w:tr>`.repeat(50)}</w:tbl>${SHORT_TURN}${SHORT_TURN}`;

async function importError(name: string, bytes: Uint8Array): Promise<ImportError> {
  try {
    await importTranscript(name, bytes);
  } catch (err) {
    assert.ok(err instanceof ImportError, `an ImportError, not ${(err as Error).stack}`);
    return err;
  }
  assert.fail(`${name} was imported`);
}

describe('import: hostile .docx files are bounded by what they inflate to', function () {
  this.timeout(120_000);

  it('reads a small honest document built here (the bounded reader hands mammoth every part it needs)', async () => {
    const bytes = hostileZip(docxEntries(documentXml(['Intervjuer: Hei, og velkommen.', 'R1: Takk & hei <du>.'])));
    const r = await importTranscript('liten.docx', bytes);
    assert.match(r.markdown, /\*\*Intervjuer:\*\* Hei, og velkommen\.\n\n\*\*R1:\*\* Takk & hei <du>\.\n/);
  });

  it('stops a 1 GiB bomb that declares 1,000 bytes at the 64 MB cap, with one line naming the file', async () => {
    const bomb = hostileZip(docxEntries(zeros(1024 * MiB), 1000));
    const err = await importError('bombe.docx', bomb);
    assert.equal(err.message.split('\n').length, 1);
    assert.match(err.message, /^bombe\.docx: unpacks to more than 64 MB \(stopped while unpacking word\/document\.xml\)/);
  });

  it('reads a .docx with the .qdpx reader\'s checks (issue 16): a CRC that does not match, or a part shorter than it declares, is a damaged archive', async () => {
    const xml = documentXml(['Intervjuer: Hei.', 'R1: Hei.']);
    // hostileZip writes CRC 0 for an entry given a declared size: here the true size, so only the CRC is wrong.
    const badCrc = await importError('crc.docx', hostileZip(docxEntries(xml, xml.length)));
    assert.match(badCrc.message, /^crc\.docx: is a damaged ZIP archive \(word\/document\.xml: CRC mismatch; the archive is damaged\)$/);
    const short = await importError('kort.docx', hostileZip(docxEntries(xml, xml.length + 10)));
    assert.match(short.message, /^kort\.docx: is a damaged ZIP archive \(word\/document\.xml: inflates to \d+ bytes but declares \d+; damaged or truncated\)$/);
  });

  it('says in one line what is wrong with XML it cannot read: unknown entity, DOCTYPE, broken XML', async () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    const head = '<?xml version="1.0"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\n';
    const entity = await importError('entitet.docx', hostileZip(docxEntries(enc(`${head}<w:p><w:r><w:t>Hei &foo; der</w:t></w:r></w:p></w:body></w:document>`))));
    assert.equal(entity.message, 'entitet.docx: is not a Word document we can read: word/document.xml line 3 uses an unknown XML entity "&foo;"');
    const doctype = await importError('xxe.docx', hostileZip(docxEntries(enc(`<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<w:document><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>`))));
    assert.equal(doctype.message, 'xxe.docx: is not a Word document we can read: word/document.xml line 2 declares a DOCTYPE or entities, which Word documents never do');
    const broken = await importError('brukket.docx', hostileZip(docxEntries(enc(`${head}<w:p><w:r><w:t>Hei</w:r></w:p></w:body></w:document>`))));
    assert.equal(broken.message, 'brukket.docx: is a damaged Word document: word/document.xml line 3: </w:r> where </w:t> was expected (<w:t> opened on line 3)');
    const cut = await importError('kuttet.docx', hostileZip(docxEntries(enc(`${head}<w:p><w:r><w:t>Hei</w:t></w:r></w:p>`))));
    assert.equal(cut.message, 'kuttet.docx: is a damaged Word document: word/document.xml line 2: <w:body> is never closed (the part is cut short?)');
    // What the tag check does not catch still comes as one line, without xmldom's markers.
    const twice = await importError('dobbel.docx', hostileZip(docxEntries(enc(`${head}<w:p a="1" a="2"/></w:body></w:document>`))));
    assert.equal(twice.message, 'dobbel.docx: is a damaged Word document (its XML does not parse: Attribute a redefined)');
    // The tag check finds nothing wrong in a real Word document's parts.
    const corpus = [resolve('../shared/corpus'), '/work/shared/corpus'].find((p) => existsSync(join(p, 'intervju-informant-A.docx')));
    if (corpus) {
      const parts = unzipSync(readFileSync(join(corpus, 'intervju-informant-A.docx')));
      for (const [name, data] of Object.entries(parts)) if (/\.(xml|rels)$/.test(name)) assert.equal(findXmlError(strFromU8(data)), undefined, name);
    }
  });

  it('refuses a document with more XML elements than the importer reads, before parsing it', async () => {
    const dense = hostileZip(docxEntries(repeatedDocument('<w:p/>', 5 * MiB)));
    const err = await importError('tett.docx', dense);
    assert.match(err.message, /^tett\.docx: is not a Word document we can read: word\/document\.xml has more than 80,000 XML elements and entities/);
  });

  describe('peak memory of `qda import` (dist/cli.js in a child process)', () => {
    let dir: string;
    before(function () {
      if (!existsSync(resolve('dist/cli.js'))) this.skip();
      dir = mkdtempSync(join(tmpdir(), 'qda-docx-rss-'));
      writeFileSync(join(dir, 'rss.js'), "process.on('exit', () => process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\\n`));\n");
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    const cases: Array<[string, () => Uint8Array, RegExp]> = [
      ['a 1 GiB bomb declaring 1,000 bytes', () => hostileZip(docxEntries(zeros(1024 * MiB), 1000)), /unpacks to more than 64 MB/],
      ['an honest 500 MB document.xml', () => hostileZip(docxEntries(repeatedDocument(TURNS, 500 * MiB))), /unpacks to more than 64 MB/],
      ['60 MB of text in one paragraph', () => hostileZip(docxEntries(repeatedDocument('ja og nei ', 60 * MiB, P_OPEN, P_CLOSE))), /word\/document\.xml brings the document's XML to 60 MB, more than the 16 MB/],
      ['15.9 MB of text in one paragraph', () => hostileZip(docxEntries(repeatedDocument('ja og nei ', 15.9 * MiB, P_OPEN, P_CLOSE))), /^$/],
      ['15.9 MB of "ø" in one paragraph', () => hostileZip(docxEntries(repeatedDocument('øøø ', 15.9 * MiB, P_OPEN, P_CLOSE))), /^$/],
      ['3 million "&amp;" in one paragraph', () => hostileZip(docxEntries(repeatedDocument('&amp;', 15 * MiB, P_OPEN, P_CLOSE))), /more than 80,000 XML elements and entities/],
      ['5 million double spaces in one paragraph', () => hostileZip(docxEntries(repeatedDocument('a  ', 15 * MiB, P_OPEN, P_CLOSE))), /^$/],
      ['5 MB of empty paragraphs (870,000 elements)', () => hostileZip(docxEntries(repeatedDocument('<w:p/>', 5 * MiB))), /more than 80,000 XML elements and entities/],
      ['turns of two paragraphs up to the element limit', () => hostileZip(docxEntries(atTheLimit(TURNS, 10))), /^$/],
      ['one-line turns up to the element limit', () => hostileZip(docxEntries(atTheLimit(SHORT_TURN, 3))), /^$/],
      ['tables up to the element limit', () => hostileZip(docxEntries(atTheLimit(TABLE, 1 + 50 * 17 + 6))), /^$/],
    ];
    for (const [what, make, expected] of cases) {
      it(`${what}: under 300 MB`, () => {
        const file = join(dir, 'x.docx');
        writeFileSync(file, make());
        const started = Date.now();
        const r = spawnSync(process.execPath, ['-r', join(dir, 'rss.js'), resolve('dist/cli.js'), 'import', file, '--out', join(dir, 'out'), '--force'], { cwd: dir, encoding: 'utf8' });
        const seconds = (Date.now() - started) / 1000;
        const rss = Number(/maxRSS=(\d+)/.exec(r.stderr)?.[1]) / 1024;
        const message = r.stderr.replace(/maxRSS=\d+\n/, '').trim();
        if (process.env.QDA_MEASURE) process.stderr.write(`      ${what}: ${rss.toFixed(0)} MB peak RSS, ${seconds.toFixed(1)} s, exit ${r.status}: ${message.split('\n')[0]}\n`);
        assert.ok(rss > 0, r.stderr);
        assert.match(message, expected);
        assert.ok(rss < 300, `${what}: peak RSS ${rss.toFixed(0)} MB`);
      });
    }
  });
});

describe('import: whitespace of long paragraphs in one pass', () => {
  it('spaces a paragraph as the layouts need, in one pass, exactly as the regexes did', () => {
    for (const s of ['a\tb', 'a \t b', ' a \n  b ', 'a\n\n b', 'ab', '\t', 'a\u00a0 b', 'æ  ø\t\tå \n']) {
      assert.equal(collapseSpaces(s), s.replace(/[ \t]*\t[ \t]*/g, '\t').replace(/ {3,}/g, '  ').replace(/[ \t]*\n[ \t]*/g, '\n'), JSON.stringify(s));
    }
    for (const s of ['Hei, hei.\nFortsatt', ' a \u00a0 b\n\tc  ', 'abc', 'a\u2028b', '\ufeffa  b\r\nc', '']) {
      assert.equal(oneLine(s), s.replace(/[ \t\n\r\f\v]+/g, ' ').replace(/^ | $/g, ''), JSON.stringify(s));
    }
  });
});
