// The analysis counts made in idle time after qda/ready (server/src/analysisWarmup.ts, issue 17.8):
// the first Framework Matrix a student opens finds them counted. What a student must be able to
// rely on is that those counts are the project's as it is when the matrix is asked for, edits
// made while they were being counted included: a turn given to another informant moves its
// codings to that informant's column. Asserted over stdio (the warm-up runs after ready and the
// matrix equals core's count at once on the edited project) and in process, where the edit is
// made at one of the warm-up's pauses (it stops there and starts again once the project is
// quiet). The order of events is asserted, never a duration.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol';
import { serverSuite } from './lspClient';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import { LineIndex } from '../../server/src/core/text/text';
import { runSteps } from '../../server/src/core/text/steps';
import { Project } from '../../server/src/core/project/project';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { ServerWorkspace } from '../../server/src/workspace';
import { matrix } from '../../server/src/features/matrix';
import { FIRST_MATRIX, warmAnalysis } from '../../server/src/analysisWarmup';
import { matrixRequest, type MatrixResult } from '../../server/src/protocol';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const R3 = readFileSync(path.join(CORPUS, 'interview-R3-en.md'), 'utf8');
const DOCS = 120;
const PER_DOC = 150;
const CODES = Array.from({ length: 40 }, (_, i) => `Code ${String(i + 1).padStart(2, '0')}`);
const DOC = 'transcripts/T005.md';

/** DOCS copies of R3's interview with eight informants, each coded PER_DOC times by two coders (18,000 codings). */
async function bigProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-warm-'));
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  const informants = Array.from({ length: 8 }, (_, i) => `P${i + 1}`);
  await fsp.writeFile(path.join(root, 'qda.yaml'), `coder: anna\nlanguage: en\ninformants:\n${informants.map((p, i) => `  ${p}:\n    role: ${i % 2 ? 'adviser' : 'leader'}\n`).join('')}`);
  const themes = [0, 1, 2, 3].map((t) => `## Theme ${t + 1}\n\n${CODES.slice(t * 10, t * 10 + 10).map((c) => `- **${c}** — a code`).join('\n')}\n`);
  await fsp.writeFile(path.join(root, 'codebook.md'), `# Codebook\n\n${themes.join('\n')}`);
  let seed = 11;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < DOCS; k++) {
    const doc = `transcripts/T${String(k).padStart(3, '0')}.md`;
    const text = R3.replaceAll('R3', informants[k % informants.length]);
    await fsp.writeFile(path.join(root, doc), text);
    for (const coder of ['anna', 'bob']) {
      const lines: string[] = [];
      for (let j = 0; j < PER_DOC / 2; j++) {
        const start = 400 + Math.floor(random() * (text.length - 800));
        const end = start + 20 + Math.floor(random() * 300);
        lines.push(JSON.stringify({ id: `${coder}-${k}-${j}`, doc, start, end, code: CODES[Math.floor(random() * CODES.length)], ...makeQuoteSelector(text, start, end), coder, at: '2026-11-23T10:00:00Z' }));
      }
      await fsp.mkdir(path.join(root, `.qda/codings/${coder}/transcripts`), { recursive: true });
      await fsp.writeFile(path.join(root, `.qda/codings/${coder}/${doc}.jsonl`), lines.join('\n') + '\n');
    }
  }
  return root;
}

/** The edit: DOC's informant (P6) speaks as P2 in every one of DOC's turns. */
function turnsToP2(text: string): Array<{ start: number; end: number; text: string }> {
  const edits = [];
  for (let at = text.indexOf('**P6:**'); at >= 0; at = text.indexOf('**P6:**', at + 1)) edits.push({ start: at + 3, end: at + 4, text: '2' });
  assert.ok(edits.length > 3, 'DOC has P6 turns');
  return edits;
}

function applied(text: string, edits: Array<{ start: number; end: number; text: string }>): string {
  let out = text;
  for (const e of [...edits].reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The first matrix computed at once in this process (core, no slices, no warm-up) on the project after the edit. */
async function atOnce(root: string, edited: boolean): Promise<MatrixResult> {
  const project = new Project(new NodeFileSystem(root), 'anna');
  await project.load();
  if (edited) {
    const before = project.textOf(DOC)!;
    project.openTranscript(DOC, before);
    const edits = turnsToP2(before);
    project.editTranscript(DOC, edits, applied(before, edits));
  }
  return runSteps(matrix(new ServerWorkspace(root, project), FIRST_MATRIX));
}

const cell = (m: MatrixResult, column: string): number => m.rows.reduce((n, r) => n + (r.kind === 'code' ? r.cells[column] ?? 0 : 0), 0);

describe('analysis counts made in idle time after ready', function () {
  this.timeout(120_000);

  describe('over stdio', function () {
    const suite = serverSuite(bigProject, { env: { QDA_TIMINGS: '1' } });

    it('counts the first matrix after ready, with a turn moved to another informant right after ready, as core counts the edited project', async () => {
      const editor = suite.editor;
      // Right after ready, before the project was quiet long enough: DOC's P6 turns become P2's.
      const text = await editor.open(DOC);
      const lines = new LineIndex(text);
      void editor.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: editor.uri(DOC), version: 2 },
        contentChanges: turnsToP2(text).reverse().map((e) => ({ range: { start: lines.positionAt(e.start), end: lines.positionAt(e.end) }, text: e.text })),
      });
      const warm = /^qda-timing analysis-warm-ms (\S+)$/m;
      for (let i = 0; i < 3000 && !warm.test(editor.log); i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(editor.log, warm, 'the server made the analysis counts after ready');
      const reply = await editor.connection.sendRequest(matrixRequest, FIRST_MATRIX);
      const [expected, unedited] = await Promise.all([atOnce(suite.root, true), atOnce(suite.root, false)]);
      assert.deepEqual(reply, expected);
      // The edit is one the student sees: P6's codings of DOC are P2's now.
      assert.ok(cell(reply, 'P2') > cell(unedited, 'P2') && cell(reply, 'P6') < cell(unedited, 'P6'), 'the moved turns count for P2');
    });
  });

  describe('in process', function () {
    let root: string;
    before(async () => (root = await bigProject()));
    after(async () => fsp.rm(root, { recursive: true, force: true }));

    it('stops at a pause when an edit comes, starts again once the project is quiet, and then answers the matrix as core counts the edited project', async () => {
      const project = new Project(new NodeFileSystem(root), 'anna');
      await project.load();
      const ws = new ServerWorkspace(root, project);
      ws.loading(Promise.resolve());
      const versionAtStart = project.version;
      const warming = warmAnalysis(ws, undefined, 0);
      // The edit runs in a later turn of the event loop than the warm-up's start: at one of its
      // pauses between slices (18,000 codings take many slices of 12 ms to count).
      await new Promise((r) => setTimeout(r, 1));
      const before = project.textOf(DOC)!;
      project.openTranscript(DOC, before);
      const edits = turnsToP2(before);
      project.editTranscript(DOC, edits, applied(before, edits));
      assert.notEqual(project.version, versionAtStart);
      const report = await warming;
      assert.ok(report.done, 'the warm-up ran to its end');
      assert.ok(report.starts >= 2, `the edit stopped the warm-up at a pause and it started again (${report.starts} start)`);
      // The matrix now comes from what the warm-up counted: no pause left to make.
      const steps = matrix(ws, FIRST_MATRIX);
      const first = steps.next();
      assert.equal(first.done, true, 'the first matrix needs no counting after the warm-up');
      assert.deepEqual(first.value, await atOnce(root, true));
    });
  });
});
