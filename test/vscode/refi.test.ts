// Issue 19 in a real VS Code: "Export REFI-QDA project (.qdpx)…" from the demo project, the
// archive imported back as a new project folder through "Import REFI-QDA project (.qdpx)…", and
// "Import codebook (.qdc)…" with its preview: what it adds and skips is shown before anything
// is written, Cancel writes nothing, Import merges into codebook.md on disk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { unzipSync, strFromU8 } from 'fflate';
import { qda, waitFor, workspaceRoot } from './helpers';

interface Preview {
  kind: 'qdpx' | 'qdc';
  error?: string;
  create: string[];
  counts?: { transcripts: number; codes: number; codings: number; memos: number; informants: number };
  added: string[];
  skipped: string[];
}
interface ImportResult {
  applied: boolean;
  preview?: Preview;
  shown?: { message: string; detail: string };
  error?: string;
  written?: string;
}

const QDC = `<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14"><Codes>
  <Code guid="b0000000-0000-0000-0000-000000000001" name="Veilederens kode" isCodable="true" color="#336699"><Description>Fra veilederens NVivo-prosjekt</Description></Code>
  <Code guid="b0000000-0000-0000-0000-000000000002" name="E-læring gir lite" isCodable="true"/>
</Codes></CodeBook>`;

describe('REFI-QDA exchange (issue 19)', function () {
  this.timeout(90_000);
  const root = (): string => workspaceRoot();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-refi-vscode-'));
  let codebookBefore = '';
  let configBefore = '';

  before(async function () {
    await qda();
    codebookBefore = fs.readFileSync(path.join(root(), 'codebook.md'), 'utf8');
    configBefore = fs.readFileSync(path.join(root(), 'qda.yaml'), 'utf8');
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.writeFileSync(path.join(root(), 'codebook.md'), codebookBefore);
    fs.writeFileSync(path.join(root(), 'qda.yaml'), configBefore);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('registers the four commands for the command palette', async function () {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['qda.refiExportProject', 'qda.refiExportCodebook', 'qda.refiImportProject', 'qda.refiImportCodebook']) assert.ok(all.includes(id), `command ${id} is not registered`);
  });

  it('exports the demo project as a .qdpx and imports it back as a new project folder', async function () {
    const out = vscode.Uri.file(path.join(tmp, 'demo.qdpx'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('qda.refiExportProject', out);
    assert.equal(written?.fsPath, out.fsPath);
    const entries = unzipSync(fs.readFileSync(out.fsPath));
    const names = Object.keys(entries);
    assert.equal(names[0], 'project.qde');
    const qde = strFromU8(entries['project.qde']!);
    assert.match(qde, /^<\?xml[^>]*\?>\n<Project xmlns="urn:QDA-XML:project:1\.0"/);
    // Every transcript the server knows is a source with its text file (other suites may leave
    // files in transcripts/ that the demo does not have, so the count comes from the archive).
    const sources = names.filter((n) => n.startsWith('sources/')).length;
    assert.equal((qde.match(/<TextSource /g) ?? []).length, sources);
    assert.ok(sources >= 7, `${sources} sources; the demo has 7 transcripts`);
    const transcripts = { length: sources };
    assert.ok((qde.match(/<PlainTextSelection /g) ?? []).length > 100);
    assert.match(qde, /<User guid="[^"]+" name="anna"\/>/);

    const target = path.join(tmp, 'imported');
    const result = await vscode.commands.executeCommand<ImportResult>('qda.refiImportProject', { file: out.fsPath, target });
    assert.equal(result.error, undefined);
    assert.equal(result.applied, true);
    assert.equal(result.preview!.counts!.transcripts, transcripts.length);
    assert.match(result.shown!.detail, new RegExp(`Creates a new project in .*imported: ${transcripts.length} transcripts, \\d+ codes, \\d+ codings`));
    assert.ok(fs.existsSync(path.join(target, 'codebook.md')));
    assert.equal(fs.readdirSync(path.join(target, 'transcripts')).length, transcripts.length);
    assert.ok(fs.readdirSync(path.join(target, '.qda/codings')).includes('anna'));
    // A second import into the same (now non-empty) folder is refused before anything is written.
    const again = await vscode.commands.executeCommand<ImportResult>('qda.refiImportProject', { file: out.fsPath, target });
    assert.equal(again.applied, false);
    assert.match(again.error ?? '', /the folder exists and is not empty/);
  });

  it('imports a .qdc with a preview: added and skipped are shown first, Cancel writes nothing, Import merges into codebook.md', async function () {
    const qdc = path.join(tmp, 'veileder.qdc');
    fs.writeFileSync(qdc, QDC);
    const cancelled = await vscode.commands.executeCommand<ImportResult>('qda.refiImportCodebook', { file: qdc, mode: 'merge', confirm: false });
    assert.equal(cancelled.applied, false);
    assert.deepEqual(cancelled.preview!.added, ['Veilederens kode']);
    assert.match(cancelled.shown!.message, /Import the REFI-QDA codebook veileder\.qdc\?/);
    assert.match(cancelled.shown!.detail, /Adds 1 codes and categories to the codebook: Veilederens kode\./);
    assert.match(cancelled.shown!.detail, /Code 'E-læring gir lite' \{b0000000-0000-0000-0000-000000000002\}: the name is taken; skipped/);
    assert.equal(fs.readFileSync(path.join(root(), 'codebook.md'), 'utf8'), codebookBefore, 'the preview wrote codebook.md');

    const result = await vscode.commands.executeCommand<ImportResult>('qda.refiImportCodebook', { file: qdc, mode: 'merge' });
    assert.equal(result.error, undefined);
    assert.equal(result.applied, true);
    await waitFor('codebook.md on disk has the new code', () => (/- \*\*Veilederens kode\*\* — Fra veilederens NVivo-prosjekt/.test(fs.readFileSync(path.join(root(), 'codebook.md'), 'utf8')) ? true : undefined));
    assert.equal((fs.readFileSync(path.join(root(), 'codebook.md'), 'utf8').match(/\*\*E-læring gir lite\*\*/g) ?? []).length, 1);
    await waitFor('qda.yaml has the colour', () => (/Veilederens kode: "#336699"/.test(fs.readFileSync(path.join(root(), 'qda.yaml'), 'utf8')) ? true : undefined));
  });
});
