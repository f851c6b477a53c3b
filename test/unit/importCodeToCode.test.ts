// Importing a transcript whose speaker already is an informant code, mapped to another code
// ("Informant A" imported as "Informant B"): the old code is no real name. Neither the import
// (identifiers file) nor the privacy check may treat it as one.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { planImport } from '../../server/src/core/import/plan';
import { applyToDisk } from '../../server/src/core/ops/operations';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');

const realNames = (project: Project): number => [...projectDiagnostics(project).values()].flat().filter((d) => d.code === 'qda.realName').length;

describe('import: one informant code mapped to another', () => {
  it('importing "Informant A" as "Informant B" into the demo writes no identifier for it and raises no qda.realName warning', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qda-code2code-'));
    try {
      cpSync(DEMO, dir, { recursive: true });
      const project = new Project(new NodeFileSystem(dir), 'anna');
      await project.load();
      const before = realNames(project);
      const plan = await planImport(project, [{ name: 'intervju-informant-A.docx', bytes: readFileSync(path.join(CORPUS, 'intervju-informant-A.docx')) }], {
        speakers: { 'Informant A': 'Informant B' },
        overwrite: ['transcripts/intervju-informant-A.md'],
      });
      assert.equal(plan.error, undefined);
      assert.equal(plan.identifiersPath, undefined, 'no real name was mapped, so the identifiers file is not written');
      await applyToDisk(project, plan);
      const after = new Project(new NodeFileSystem(dir), 'anna');
      await after.load();
      assert.match(after.textOf(plan.transcripts[0]!)!, /\*\*Informant B:\*\*/);
      assert.equal(realNames(after), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the privacy check ignores an identifiers entry whose "name" is an informant code (left by an earlier import)', async () => {
    const fs = new MemoryFileSystem({
      'qda.yaml': 'informants:\n  Informant A: {}\n',
      '.qda/identifiers.yaml': 'Informant A: Informant B\nKari Nordmann: R4\n',
      'transcripts/x.md': '**Informant A:** hei\n\n**R4:** Kari Nordmann sa det.\n',
      'chapters/k.md': 'Informant A sier noe.\n',
    });
    const project = new Project(fs, 'anna');
    await project.load();
    const flagged = [...projectDiagnostics(project).values()].flat().filter((d) => d.code === 'qda.realName');
    assert.deepEqual(flagged.map((d) => [d.path, fs.files.has(d.path)]), [['transcripts/x.md', true]]);
  });
});
