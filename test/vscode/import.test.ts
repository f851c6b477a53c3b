// Issue 5 in a real VS Code: "Import Transcripts…" with a mapped speaker (transcript, identifiers
// file and .gitignore on disk, the new transcript opened), the privacy warning and its quick fix,
// and an informant attribute written to qda.yaml with its comments kept.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, workspaceRoot } from './helpers';

const VTT = `WEBVTT

NOTE exported from Microsoft Teams

1
00:00:01.000 --> 00:00:04.000
<v Ingrid Haugland>Kan du fortelle litt om rollen din i banken?</v>

2
00:00:04.500 --> 00:00:09.000
<v Kari Nordmann>Ja, jeg er rådgiver og har jobbet her i sju år.</v>

3
00:00:09.000 --> 00:00:12.500
<v Kari Nordmann>Vi begynte med CRM for to år siden.</v>
`;

interface ImportCommandResult {
  applied: boolean;
  transcripts: string[];
  identifiers?: string;
  error?: string;
  layouts?: Record<string, string>;
  message?: string;
}

describe('Import Transcripts (issue 5)', function () {
  this.timeout(60_000);
  const created: string[] = [];
  const saved = new Map<string, string | undefined>();
  const root = (): string => workspaceRoot();
  const file = (rel: string): string => path.join(root(), rel);
  const read = (rel: string): string => fs.readFileSync(file(rel), 'utf8');
  const remember = (rel: string): void => {
    if (!saved.has(rel)) saved.set(rel, fs.existsSync(file(rel)) ? read(rel) : undefined);
  };

  before(async function () {
    await qda();
    for (const rel of ['qda.yaml', '.gitignore', '.qda/identifiers.yaml', 'transcripts/teams-kari.md']) remember(rel);
    assert.equal(saved.get('transcripts/teams-kari.md'), undefined, 'the demo already has transcripts/teams-kari.md');
    fs.mkdirSync(file('innkommende'), { recursive: true });
    fs.writeFileSync(file('innkommende/teams-kari.vtt'), VTT);
    fs.writeFileSync(file('innkommende/zoom-ola.txt'), '[Ingrid Haugland] 10:02:03\nHei, hører du meg?\n[Ola Hansen] 10:02:09\nJa, nå hører jeg deg.\n[Ingrid Haugland] 10:02:15\nFint. Da begynner vi.\n');
    created.push('innkommende/teams-kari.vtt', 'innkommende/zoom-ola.txt', 'transcripts/teams-kari.md', 'transcripts/zoom-ola.md', 'memos/navn.md');
  });

  after(async function () {
    // Leave the demo copy as the other suites expect it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const rel of created) fs.rmSync(file(rel), { force: true });
    fs.rmSync(file('innkommende'), { recursive: true, force: true });
    for (const [rel, text] of saved) {
      if (text === undefined) fs.rmSync(file(rel), { force: true });
      else fs.writeFileSync(file(rel), text);
    }
  });

  it('is registered with the command palette entry the user runs', async function () {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['qda.transcriptsImport', 'qda.informantAttributeAdd', 'qda.informantAttributeEdit']) assert.ok(all.includes(id), `command ${id} is not registered`);
  });

  it('imports a Teams transcript with a mapped speaker and writes the real names only to the identifiers file', async function () {
    const result = await vscode.commands.executeCommand<ImportCommandResult>('qda.transcriptsImport', {
      files: [file('innkommende/teams-kari.vtt')],
      speakers: { 'Kari Nordmann': 'R4' },
      interviewers: ['Ingrid Haugland'],
    });
    assert.ok(result, 'the command returned nothing');
    assert.equal(result.error, undefined);
    assert.equal(result.applied, true);
    assert.deepEqual(result.transcripts.map((u) => vscode.Uri.parse(u).fsPath), [file('transcripts/teams-kari.md')]);

    const md = await waitFor('transcripts/teams-kari.md on disk', () => (fs.existsSync(file('transcripts/teams-kari.md')) ? read('transcripts/teams-kari.md') : undefined));
    assert.match(md, /^---\n[\s\S]*source: teams-kari\.vtt\n[\s\S]*informants: \[ ?R4 ?\]\n---\n/);
    assert.match(md, /^\*\*Intervjuer:\*\* \[00:00:01\] Kan du fortelle litt om rollen din i banken\?$/m);
    assert.match(md, /^\*\*R4:\*\* \[00:00:04\] Ja, jeg er rådgiver og har jobbet her i sju år\. Vi begynte med CRM for to år siden\.$/m);
    assert.doesNotMatch(md, /Kari|Nordmann|Ingrid|Haugland/);

    const identifiers = await waitFor('.qda/identifiers.yaml on disk', () => (fs.existsSync(file('.qda/identifiers.yaml')) ? read('.qda/identifiers.yaml') : undefined));
    assert.match(identifiers, /^Kari Nordmann: R4$/m);
    assert.match(identifiers, /^Ingrid Haugland: Intervjuer$/m);
    assert.ok(read('.gitignore').split(/\r?\n/).includes('.qda/identifiers.yaml'), `.gitignore lacks the identifiers file:\n${read('.gitignore')}`);

    // Saved, and opened for the user.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file('transcripts/teams-kari.md'));
    assert.ok(doc && !doc.isDirty, 'the new transcript is not saved');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file('transcripts/teams-kari.md'));
  });

  it('codes the new transcript: its codings file is created in the coder\'s folder, painted, and undone', async function () {
    const api = await qda();
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.uri.fsPath === file('transcripts/teams-kari.md'), 'the imported transcript is the active editor');
    const codings = '.qda/codings/anna/transcripts/teams-kari.md.jsonl';
    created.push(codings);
    assert.equal(fs.existsSync(file(codings)), false, 'no codings file before the first coding');
    const text = editor.document.getText();
    const exact = 'Vi begynte med CRM for to år siden.';
    const start = text.indexOf(exact);
    editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(start + exact.length));
    await vscode.commands.executeCommand('qda.selectionCode', { code: 'Dobbeltregistrering' });
    const line = await waitFor(`${codings} on disk with the coding`, () => (fs.existsSync(file(codings)) && read(codings).includes(JSON.stringify(exact)) ? read(codings) : undefined));
    const coding = JSON.parse(line.trim()) as { doc: string; start: number; end: number; code: string; coder: string };
    assert.deepEqual([coding.doc, coding.start, coding.end, coding.code, coding.coder], ['transcripts/teams-kari.md', start, start + exact.length, 'Dobbeltregistrering', 'anna']);
    await waitFor('the coding painted', () => (api.decorationRanges(editor).some((r) => editor.document.getText(r) === exact) ? true : undefined));
    await vscode.commands.executeCommand('qda.codingUndo');
    await waitFor('the codings file empty again', () => (read(codings) === '' ? true : undefined));
    await waitFor('the passage no longer painted', () => (api.decorationRanges(editor).length === 0 ? true : undefined));
  });

  it('never replaces an existing transcript without confirmation', async function () {
    fs.appendFileSync(file('transcripts/teams-kari.md'), '\nEgen merknad.\n');
    const before = read('transcripts/teams-kari.md');
    const result = await vscode.commands.executeCommand<ImportCommandResult>('qda.transcriptsImport', { files: [file('innkommende/teams-kari.vtt')], open: false });
    assert.equal(result.applied, false);
    assert.match(result.error ?? '', /^transcripts\/teams-kari\.md already exists/);
    assert.equal(read('transcripts/teams-kari.md'), before);
  });

  it('says which layout it recognised (issue 22): a Zoom transcript saved as .txt', async function () {
    const result = await vscode.commands.executeCommand<ImportCommandResult>('qda.transcriptsImport', {
      files: [file('innkommende/zoom-ola.txt')],
      speakers: { 'Ola Hansen': 'R5' },
      interviewers: ['Ingrid Haugland'],
      open: false,
    });
    assert.equal(result.error, undefined);
    assert.equal(result.applied, true);
    assert.deepEqual(result.layouts, { 'innkommende/zoom-ola.txt': 'zoom-chat' });
    assert.match(result.message ?? '', /Layout: innkommende\/zoom-ola\.txt read as Zoom transcript \(\[Name\] 10:02:03, the words below\)\./);
    const md = await waitFor('transcripts/zoom-ola.md on disk', () => (fs.existsSync(file('transcripts/zoom-ola.md')) ? read('transcripts/zoom-ola.md') : undefined));
    assert.match(md, /^\*\*Intervjuer:\*\* \[10:02:03\] Hei, hører du meg\?\n\n\*\*R5:\*\* \[10:02:09\] Ja, nå hører jeg deg\.\n\n\*\*Intervjuer:\*\* \[10:02:15\] Fint\. Da begynner vi\.\n$/m);
  });

  it('imports under a new name, or skips the file, when its transcript exists (issue 15.4)', async function () {
    created.push('transcripts/teams-kari-2.md');
    const before = read('transcripts/teams-kari.md');
    const skipped = await vscode.commands.executeCommand<ImportCommandResult>('qda.transcriptsImport', { files: [file('innkommende/teams-kari.vtt')], existing: 'skip', open: false });
    assert.deepEqual(skipped, { applied: false, transcripts: [] });
    const renamed = await vscode.commands.executeCommand<ImportCommandResult>('qda.transcriptsImport', {
      files: [file('innkommende/teams-kari.vtt')], existing: 'rename', speakers: { 'Kari Nordmann': 'R4' }, interviewers: ['Ingrid Haugland'], open: false,
    });
    assert.equal(renamed.error, undefined);
    assert.deepEqual(renamed.transcripts.map((u) => vscode.Uri.parse(u).fsPath), [file('transcripts/teams-kari-2.md')]);
    const md = await waitFor('transcripts/teams-kari-2.md on disk', () => (fs.existsSync(file('transcripts/teams-kari-2.md')) ? read('transcripts/teams-kari-2.md') : undefined));
    assert.match(md, /^\*\*R4:\*\* \[00:00:04\] Ja, jeg er rådgiver/m);
    assert.equal(read('transcripts/teams-kari.md'), before, 'the existing transcript is untouched');
  });

  it('imports "Informant A" as "Informant B" without making the old code a real name (issue 15.4)', async function () {
    created.push('transcripts/intervju-informant-A-2.md');
    const identifiersBefore = fs.existsSync(file('.qda/identifiers.yaml')) ? read('.qda/identifiers.yaml') : undefined;
    const docx = path.resolve(root(), '../../../../../shared/corpus/intervju-informant-A.docx');
    const source = fs.existsSync(docx) ? docx : path.resolve(__dirname, '../../../../shared/corpus/intervju-informant-A.docx');
    assert.ok(fs.existsSync(source), `no ${source}`);
    const result = await vscode.commands.executeCommand<ImportCommandResult>('qda.transcriptsImport', {
      files: [source], existing: 'rename', speakers: { 'Informant A': 'Informant B' }, open: false,
    });
    assert.equal(result.error, undefined);
    assert.equal(result.applied, true);
    const md = await waitFor('the imported transcript on disk', () => (fs.existsSync(file('transcripts/intervju-informant-A-2.md')) ? read('transcripts/intervju-informant-A-2.md') : undefined));
    assert.match(md, /^\*\*Informant B:\*\*/m);
    assert.equal(result.identifiers, undefined, 'no real name was mapped: the identifiers file is not written');
    assert.equal(fs.existsSync(file('.qda/identifiers.yaml')) ? read('.qda/identifiers.yaml') : undefined, identifiersBefore);
  });

  it('warns about a real name in a memo and replaces it by its code through the quick fix', async function () {
    fs.writeFileSync(file('memos/navn.md'), '# Navn\n\nKari Nordmann fortalte om CRM. Karis team brukte det.\n');
    const uri = vscode.Uri.file(file('memos/navn.md'));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await waitFor('qda.realName diagnostics in memos/navn.md', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'qda.realName');
      return d.length === 2 ? d : undefined;
    });
    assert.equal(diagnostics[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(editor.document.getText(diagnostics[0]!.range), 'Kari Nordmann');
    assert.equal(editor.document.getText(diagnostics[1]!.range), 'Kari');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostics[0]!.range, vscode.CodeActionKind.QuickFix.value);
    const all = actions.find((a) => a.title === 'Replace all 2 names of R4 in this file with R4');
    assert.ok(all?.edit, `no "replace all in this file" quick fix: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.equal(editor.document.getText(), '# Navn\n\nR4 fortalte om CRM. R4s team brukte det.\n');
    await editor.document.save();
    await waitFor('the warnings to go', () => (vscode.languages.getDiagnostics(uri).some((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'qda.realName') ? undefined : true));
  });

  it('adds an informant attribute to qda.yaml, keeping its comments', async function () {
    const before = read('qda.yaml');
    const applied = await vscode.commands.executeCommand<boolean>('qda.informantAttributeAdd', { informant: 'R4', attribute: 'role', value: 'rådgiver' });
    assert.equal(applied, true);
    const after = await waitFor('qda.yaml with R4', () => (read('qda.yaml').includes('R4:') ? read('qda.yaml') : undefined));
    assert.match(after, /^ {2}R4: \{ role: rådgiver \}$/m);
    // Everything that was there is still there, comments included.
    assert.equal(after.replace(/^ {2}R4: \{ role: rådgiver \}\n/m, ''), before);
  });

  it('offers to name or split the one unknown speaker of captions that name nobody, and names it (issue 21.2)', async function () {
    // YouTube's automatic captions: rolling lines, word timestamps, a line of one space.
    const youtube = [
      'WEBVTT', 'Kind: captions', 'Language: nb', '',
      '00:00:00.320 --> 00:00:02.790 align:start position:0%', ' ', 'velkommen<00:00:00.640><c> tilbake</c>', '',
      '00:00:02.790 --> 00:00:02.800 align:start position:0%', 'velkommen tilbake', ' ', '',
      '00:00:02.800 --> 00:00:05.110 align:start position:0%', 'velkommen tilbake', 'i<00:00:03.200><c> dag</c><00:00:03.500><c> om</c><00:00:03.900><c> CRM</c>', '',
      '00:00:05.110 --> 00:00:05.120 align:start position:0%', 'i dag om CRM', ' ', '',
      '00:00:05.120 --> 00:00:07.400 align:start position:0%', 'i dag om CRM', 'og<00:00:05.500><c> kundene</c>', '',
    ].join('\n');
    fs.writeFileSync(file('innkommende/forelesning.vtt'), youtube);
    created.push('innkommende/forelesning.vtt', 'transcripts/forelesning.md');
    const offered: string[] = [];
    const window = vscode.window as { showQuickPick: typeof vscode.window.showQuickPick };
    const original = window.showQuickPick;
    // The user's answer: the first informant code offered for the unknown speaker.
    window.showQuickPick = (async (items: readonly vscode.QuickPickItem[]) => {
      offered.push(...items.map((i) => i.label));
      return items.find((i) => /^[A-Z]+ ?\d+$/.test(i.label));
    }) as unknown as typeof vscode.window.showQuickPick;
    let result: ImportCommandResult | undefined;
    try {
      result = await vscode.commands.executeCommand<ImportCommandResult>('qda.transcriptsImport', vscode.Uri.file(file('innkommende/forelesning.vtt')));
    } finally {
      window.showQuickPick = original;
    }
    assert.ok(offered.includes('Keep "Ukjent" and split it by hand'), `offered: ${offered.join(' | ')}`);
    assert.ok(offered.includes('Interviewer') && offered.includes('Type another code…'), `offered: ${offered.join(' | ')}`);
    const code = offered.find((l) => /^[A-Z]+ ?\d+$/.test(l));
    assert.ok(code, `no code offered: ${offered.join(' | ')}`);
    assert.equal(result?.error, undefined);
    assert.equal(result?.applied, true);
    const md = await waitFor('transcripts/forelesning.md on disk', () => (fs.existsSync(file('transcripts/forelesning.md')) ? read('transcripts/forelesning.md') : undefined));
    assert.ok(md.endsWith(`---\n**${code}:** [00:00:00] velkommen tilbake i dag om CRM og kundene\n`), md);
    assert.match(md, new RegExp(`informants: \\[ ?${code} ?\\]`));
  });
});
