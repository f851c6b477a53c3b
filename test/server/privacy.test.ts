// The privacy diagnostic (qda.realName) and its quick fixes, the import requests and the
// informants requests, against the real server process over stdio.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionRequest, DidChangeWatchedFilesNotification, FileChangeType, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { parseDocument } from 'yaml';
import { applyTextEdits, serverSuite } from './lspClient';
import { importPreviewRequest, importTranscriptsRequest, informantsRequest, setInformantAttributeRequest } from '../../server/src/protocol';

const QDA_YAML = '# demo\nlanguage: nb\ninterviewers: [Intervjuer]\ninformants:\n  R4: { role: leder } # første\n';

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-privacy-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', QDA_YAML);
  await write('.qda/identifiers.yaml', 'Kari Nordmann: R4\n');
  await write('transcripts/R4.md', '---\ntitle: R4\n---\n**Intervjuer:** Hei, Kari Nordmann.\n\n**R4:** Hei. Karis team bruker CRM.\n');
  await write('memos/notat.md', '# Notat\n\nKari Nordmann er tydelig.\n');
  await write('codebook.md', '# Kodebok\n\n## Tema\n- **CRM** — bruk av systemet.\n');
  await write('import/intervju.vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ingrid Haugland>Hva gjør du?</v>\n\n00:00:03.500 --> 00:00:06.000\n<v Ola Dunk>Jeg er rådgiver.</v>\n');
  await write('import/tom.vtt', '');
  return root;
}

const realNames = (d: Diagnostic[]): Diagnostic[] => d.filter((x) => x.code === 'qda.realName');

describe('privacy, import and informants over stdio', function () {
  this.timeout(30000);
  const ctx = serverSuite(makeProject);


  it('warns about real names and replaces all of them in a file by the quick fix', async () => {
    const diags = realNames(await ctx.editor.waitForDiagnostics('transcripts/R4.md', (d) => realNames(d).length === 2));
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.severity]), [[3, 21, 34, 2], [5, 13, 17, 2]]);
    assert.doesNotMatch(diags[0]!.message, /Kari|Nordmann/);
    assert.equal(realNames(await ctx.editor.waitForDiagnostics('memos/notat.md', (d) => realNames(d).length === 1)).length, 1);
    assert.equal(ctx.editor.diagnostics.has(ctx.editor.uri('.qda/identifiers.yaml')), false);

    const actions = (await ctx.editor.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: ctx.editor.uri('transcripts/R4.md') },
      range: diags[1]!.range,
      context: { diagnostics: diags, only: ['quickfix'] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Replace this name with R4'), titles.join('\n'));
    assert.ok(titles.includes('Replace all 2 names of R4 in this file with R4'), titles.join('\n'));
    assert.ok(titles.includes('Replace all 3 names of R4 in the project (2 files) with R4'), titles.join('\n'));
    assert.equal(actions.find((a) => a.title === 'Replace this name with R4')?.isPreferred, true);

    await ctx.editor.applyAndSave(actions.find((a) => a.title.includes('in this file'))!.edit!);
    assert.equal(readFileSync(path.join(ctx.root, 'transcripts/R4.md'), 'utf8'), '---\ntitle: R4\n---\n**Intervjuer:** Hei, R4.\n\n**R4:** Hei. R4s team bruker CRM.\n');
    await ctx.editor.waitForDiagnostics('transcripts/R4.md', (d) => realNames(d).length === 0);
    // The memo still has its name; the project-wide fix is one edit over every file.
    const memo = realNames(await ctx.editor.waitForDiagnostics('memos/notat.md', (d) => realNames(d).length === 1));
    const again = (await ctx.editor.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: ctx.editor.uri('memos/notat.md') }, range: memo[0]!.range, context: { diagnostics: memo } })) as CodeAction[];
    assert.deepEqual(again.map((a) => a.title), ['Replace this name with R4']);
    await ctx.editor.applyAndSave(again[0]!.edit!);
    assert.equal(readFileSync(path.join(ctx.root, 'memos/notat.md'), 'utf8'), '# Notat\n\nR4 er tydelig.\n');
  });

  it('imports a transcript with a mapped speaker: preview, edit, identifiers file and .gitignore', async () => {
    const vtt = ctx.editor.uri('import/intervju.vtt');
    const bad = await ctx.editor.connection.sendRequest(importPreviewRequest, { files: [vtt, ctx.editor.uri('import/tom.vtt')] });
    assert.match(bad.error ?? '', /^import\/tom\.vtt: is empty\. Nothing was written\.$/);
    const preview = await ctx.editor.connection.sendRequest(importPreviewRequest, { files: [vtt] });
    assert.equal(preview.error, undefined);
    assert.deepEqual(preview.files.map((f) => [f.target, f.exists, f.targetUri]), [['transcripts/intervju.md', false, ctx.editor.uri('transcripts/intervju.md')]]);
    assert.deepEqual(preview.files[0]!.speakers.map((s) => [s.source, s.role]), [['Ingrid Haugland', 'informant'], ['Ola Dunk', 'informant']]);
    // The first words each speaker says: what tells one speaker from another in the mapping.
    assert.deepEqual(preview.files[0]!.speakers.map((s) => s.firstWords), ['Hva gjør du?', 'Jeg er rådgiver.']);
    assert.deepEqual(preview.suggestions, ['R5']);

    const result = await ctx.editor.connection.sendRequest(importTranscriptsRequest, { files: [vtt], speakers: { 'Ola Dunk': 'R5' }, interviewers: ['Ingrid Haugland'] });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.transcripts, [ctx.editor.uri('transcripts/intervju.md')]);
    assert.equal(result.gitignore, true);
    await ctx.editor.applyResult(result);
    const md = readFileSync(path.join(ctx.root, 'transcripts/intervju.md'), 'utf8');
    assert.match(md, /^\*\*Intervjuer:\*\* \[00:00:01\] Hva gjør du\?\n\n\*\*R5:\*\* \[00:00:03\] Jeg er rådgiver\.\n$/m);
    assert.equal(readFileSync(path.join(ctx.root, '.qda/identifiers.yaml'), 'utf8'), 'Kari Nordmann: R4\nIngrid Haugland: Intervjuer\nOla Dunk: R5\n');
    assert.equal(readFileSync(path.join(ctx.root, '.gitignore'), 'utf8'), '.qda/identifiers.yaml\n');

    // Importing again is refused until the user confirms the overwrite.
    const again = await ctx.editor.connection.sendRequest(importTranscriptsRequest, { files: [vtt] });
    assert.match(again.error ?? '', /^transcripts\/intervju\.md already exists/);
    assert.equal(existsSync(path.join(ctx.root, 'transcripts/intervju.md')), true);
    // "Import as new name": the edit writes the other transcript, never the existing one.
    const renamed = await ctx.editor.connection.sendRequest(importTranscriptsRequest, { files: [vtt], speakers: { 'Ola Dunk': 'R5' }, interviewers: ['Ingrid Haugland'], targets: { [vtt]: ctx.editor.uri('transcripts/intervju-2.md') } });
    assert.equal(renamed.error, undefined);
    assert.deepEqual(renamed.transcripts, [ctx.editor.uri('transcripts/intervju-2.md')]);
    assert.deepEqual(renamed.save, [ctx.editor.uri('transcripts/intervju-2.md')]);
    const outside = await ctx.editor.connection.sendRequest(importTranscriptsRequest, { files: [vtt], targets: { [vtt]: ctx.editor.uri('memos/intervju.md') } });
    assert.match(outside.error ?? '', /cannot be imported as memos\/intervju\.md: not a transcript path/);
  });

  it('lists informants with counts and sets an attribute in qda.yaml keeping comments', async () => {
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri('transcripts/intervju.md'), type: FileChangeType.Created }] });
    let list = await ctx.editor.connection.sendRequest(informantsRequest, {});
    for (let i = 0; i < 50 && !list.informants.some((x) => x.code === 'R5'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      list = await ctx.editor.connection.sendRequest(informantsRequest, {});
    }
    assert.deepEqual(list.informants.map((i) => [i.code, i.attributes, i.transcripts.map((t) => t.path), i.turns, i.words]), [
      ['R4', { role: 'leder' }, ['transcripts/R4.md'], 1, 5],
      ['R5', {}, ['transcripts/intervju.md'], 1, 3],
    ]);
    assert.deepEqual(list.attributeNames, ['role']);
    const set = await ctx.editor.connection.sendRequest(setInformantAttributeRequest, { informant: 'R4', attribute: 'office', value: 'Bergen' });
    assert.equal(set.error, undefined);
    await ctx.editor.applyResult(set);
    assert.equal(readFileSync(path.join(ctx.root, 'qda.yaml'), 'utf8'), QDA_YAML.replace('{ role: leder }', '{ role: leder, office: Bergen }'));
    const bad = await ctx.editor.connection.sendRequest(setInformantAttributeRequest, { informant: 'R4', attribute: '', value: 'x' });
    assert.match(bad.error ?? '', /cannot be an attribute name/);
  });
});

// The file watcher reports a change seconds late under load, after the client's next request.
// An edit of a file no editor holds goes out without a version, and VS Code applies it to the
// file as it is then: it must be computed on the disk's text, not on the older one the server
// last heard of (issue 16: the import's identifiers file got its names twice, so it no longer
// parsed and no real name was flagged; the flaky "warns about a real name in a memo").
describe('edits of files no editor holds while the file watcher lags behind', function () {
  this.timeout(30000);
  const TEAMS = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ingrid Haugland>Kan du fortelle om rollen din?</v>\n\n00:00:03.500 --> 00:00:06.000\n<v Kari Nordmann>Jeg er rådgiver.</v>\n';
  const ZOOM = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ingrid Haugland>Hører du meg?</v>\n\n00:00:03.500 --> 00:00:06.000\n<v Ola Hansen>Ja, nå hører jeg deg.</v>\n';
  const ctx = serverSuite(
    async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'qda-lag-'));
      for (const [rel, text] of Object.entries({ 'qda.yaml': QDA_YAML, 'codebook.md': '# Kodebok\n\n## Tema\n- **CRM** — bruk av systemet.\n', 'import/teams.vtt': TEAMS, 'import/zoom.vtt': ZOOM })) {
        await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
        await fsp.writeFile(path.join(root, rel), text);
      }
      return root;
    },
    { each: true },
  );
  const onDisk = (rel: string): string => readFileSync(path.join(ctx.root, rel), 'utf8');
  /** Waits until the server has handled every event sent before (a request waits for them). */
  const handled = async (): Promise<void> => void (await ctx.editor.connection.sendRequest(informantsRequest, {}));

  /**
   * A reply's edit applied as VS Code does: a file to create is created empty at once, and the
   * watcher's "created" reaches the server before the save; the save's "changed" is still on its
   * way when the next request comes. Each text edit goes to the file as it is (no version).
   */
  async function applyWithLaggingWatcher(edit: WorkspaceEdit): Promise<void> {
    const created: string[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change && change.kind === 'create') {
        await fsp.mkdir(path.dirname(URI.parse(change.uri).fsPath), { recursive: true });
        await fsp.writeFile(URI.parse(change.uri).fsPath, '', { flag: 'a' });
        created.push(change.uri);
      }
    }
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: created.map((uri) => ({ uri, type: FileChangeType.Created })) });
    await handled();
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) continue;
      const file = URI.parse(change.textDocument.uri).fsPath;
      assert.equal(change.textDocument.version, null, `${file} is open nowhere: its edit has no version`);
      await fsp.writeFile(file, applyTextEdits(readFileSync(file, 'utf8'), change.edits as TextEdit[]));
    }
  }

  it('a second import right after the first: each real name once in the identifiers file, and flagged', async () => {
    const first = await ctx.editor.connection.sendRequest(importTranscriptsRequest, { files: [ctx.editor.uri('import/teams.vtt')], speakers: { 'Kari Nordmann': 'R4' }, interviewers: ['Ingrid Haugland'] });
    assert.equal(first.error, undefined);
    await applyWithLaggingWatcher(first.edit!);
    const second = await ctx.editor.connection.sendRequest(importTranscriptsRequest, { files: [ctx.editor.uri('import/zoom.vtt')], speakers: { 'Ola Hansen': 'R5' }, interviewers: ['Ingrid Haugland'] });
    assert.equal(second.error, undefined);
    await applyWithLaggingWatcher(second.edit!);

    const identifiers = onDisk('.qda/identifiers.yaml');
    const doc = parseDocument(identifiers);
    assert.deepEqual(doc.errors.map((e) => e.message), [], identifiers);
    assert.deepEqual(doc.toJS(), { 'Ingrid Haugland': 'Intervjuer', 'Kari Nordmann': 'R4', 'Ola Hansen': 'R5' });
    assert.equal(identifiers.match(/Ingrid Haugland/g)?.length, 1, identifiers);

    // The watcher catches up; a memo naming Kari is flagged (a file that does not parse flags nobody).
    await fsp.mkdir(path.join(ctx.root, 'memos'), { recursive: true });
    await fsp.writeFile(path.join(ctx.root, 'memos/navn.md'), '# Navn\n\nKari Nordmann fortalte om CRM.\n');
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: ctx.editor.uri('.qda/identifiers.yaml'), type: FileChangeType.Changed }, { uri: ctx.editor.uri('memos/navn.md'), type: FileChangeType.Created }],
    });
    await ctx.editor.waitForDiagnostics('memos/navn.md', (d) => realNames(d).length === 1);
  });

  it('two informant attributes set in a row: qda.yaml has both, its comments kept', async () => {
    const office = await ctx.editor.connection.sendRequest(setInformantAttributeRequest, { informant: 'R4', attribute: 'office', value: 'Bergen' });
    assert.equal(office.error, undefined);
    await applyWithLaggingWatcher(office.edit!);
    const group = await ctx.editor.connection.sendRequest(setInformantAttributeRequest, { informant: 'R4', attribute: 'group', value: 'bankintervju' });
    assert.equal(group.error, undefined);
    await applyWithLaggingWatcher(group.edit!);
    assert.equal(onDisk('qda.yaml'), QDA_YAML.replace('{ role: leder }', '{ role: leder, office: Bergen, group: bankintervju }'));
  });
});
