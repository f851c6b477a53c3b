// Compare Coders: which places two coders disagree on, and settling them into a consensus coder
// or one coder's files (never the other's), with the decision logged.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { applyToDisk } from '../../server/src/core/ops/operations';
import { consensusLogPath, disagreementsOf, parseDecisionLog, settleDisagreement } from '../../server/src/core/analysis/consensus';

const TEXT = ['**Intervjuer:** Hva skjedde?', '**R1:** Vi lærte i sandkassa, og det tok lang tid.', '**Intervjuer:** Og lederen?', '**R1:** Lederen brukte systemet selv hver dag.'].join('\n\n') + '\n';
const DOC = 'transcripts/T.md';

function line(id: string, coder: string, code: string, exact: string): string {
  const at = TEXT.indexOf(exact);
  assert.ok(at >= 0, exact);
  return JSON.stringify({ id, doc: DOC, start: at, end: at + exact.length, code, exact, prefix: '', suffix: '', coder, at: '2026-01-01T00:00:00Z' });
}

async function setup(): Promise<{ fs: MemoryFileSystem; project: Project }> {
  const fs = new MemoryFileSystem({
    'qda.yaml': 'interviewers: [Intervjuer]\nconsensus: felles\n',
    'codebook.md': '# Kodebok\n\n## Tema\n\n- **Sandkasse**\n- **Tid**\n- **Ledelse**\n',
    [DOC]: TEXT,
    // Agreement: both coded "Vi lærte i sandkassa" (nearly the same span).
    // Disagreement 1: only anna coded Tid. Disagreement 2: both coded Ledelse, other boundaries.
    [`.qda/codings/anna/${DOC}.jsonl`]: [line('a1', 'anna', 'Sandkasse', 'Vi lærte i sandkassa'), line('a2', 'anna', 'Tid', 'det tok lang tid'), line('a3', 'anna', 'Ledelse', 'Lederen brukte systemet selv hver dag')].join('\n') + '\n',
    [`.qda/codings/bjorn/${DOC}.jsonl`]: [line('b1', 'bjorn', 'Sandkasse', 'Vi lærte i sandkassa,'), line('b3', 'bjorn', 'Ledelse', 'hver dag')].join('\n') + '\n',
  });
  const project = new Project(fs);
  await project.load();
  return { fs, project };
}

describe('Compare Coders: disagreements and settling them', () => {
  it('lists the places where the coders differ: one coder alone, or both with other boundaries', async () => {
    const { project } = await setup();
    const { items, settled } = disagreementsOf(project, 'anna', 'bjorn', []);
    assert.equal(settled, 0);
    assert.deepEqual(items.map((d) => [d.code, d.a, d.b]), [
      ['Ledelse', ['a3'], ['b3']],
      ['Tid', ['a2'], []],
    ]);
    assert.equal(TEXT.slice(items[1].start, items[1].end), 'det tok lang tid');
  });

  it('keep A into the consensus coder: a copy in its own file, the decision logged, the place settled; the coders untouched', async () => {
    const { fs, project } = await setup();
    const tid = disagreementsOf(project, 'anna', 'bjorn', []).items.find((d) => d.code === 'Tid')!;
    const annaBefore = await fs.readText(`.qda/codings/anna/${DOC}.jsonl`);
    const bjornBefore = await fs.readText(`.qda/codings/bjorn/${DOC}.jsonl`);
    const result = settleDisagreement(project, 'anna', 'bjorn', tid, 'keepA', 'felles', undefined, new Date('2026-12-06T10:00:00Z'));
    assert.equal(result.error, undefined);
    assert.deepEqual(result.edits.map((e) => e.path).sort(), [consensusLogPath('anna', 'bjorn'), `.qda/codings/felles/${DOC}.jsonl`].sort());
    await applyToDisk(project, result);
    const consensus = (await fs.readText(`.qda/codings/felles/${DOC}.jsonl`))!.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(consensus.length, 1);
    assert.deepEqual([consensus[0].code, consensus[0].coder, consensus[0].exact], ['Tid', 'felles', 'det tok lang tid']);
    assert.equal(await fs.readText(`.qda/codings/anna/${DOC}.jsonl`), annaBefore);
    assert.equal(await fs.readText(`.qda/codings/bjorn/${DOC}.jsonl`), bjornBefore);
    const log = parseDecisionLog((await fs.readText('.qda/consensus/anna+bjorn.jsonl'))!);
    assert.deepEqual(log.map((l) => [l.code, l.decision, l.target, l.exact]), [['Tid', 'keepA', 'felles', 'det tok lang tid']]);
    const after = disagreementsOf(project, 'anna', 'bjorn', log);
    assert.deepEqual([after.items.length, after.settled], [1, 1]);
  });

  it("into one coder's files: keep B replaces that coder's coding of the place; drop removes it; the other coder's file never changes", async () => {
    const { fs, project } = await setup();
    const bjornBefore = await fs.readText(`.qda/codings/bjorn/${DOC}.jsonl`);
    let log = '';
    const ledelse = disagreementsOf(project, 'anna', 'bjorn', []).items.find((d) => d.code === 'Ledelse')!;
    const keepB = settleDisagreement(project, 'anna', 'bjorn', ledelse, 'keepB', 'anna', undefined);
    await applyToDisk(project, keepB);
    const anna = (await fs.readText(`.qda/codings/anna/${DOC}.jsonl`))!.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(anna.filter((c) => c.code === 'Ledelse').map((c) => c.exact), ['hver dag'], "anna's Ledelse is now bjorn's span");
    assert.equal(await fs.readText(`.qda/codings/bjorn/${DOC}.jsonl`), bjornBefore);
    log = (await fs.readText('.qda/consensus/anna+bjorn.jsonl'))!;
    // Now the coders agree on Ledelse; Tid remains, and anna drops it.
    const open = disagreementsOf(project, 'anna', 'bjorn', parseDecisionLog(log)).items;
    assert.deepEqual(open.map((d) => d.code), ['Tid']);
    await applyToDisk(project, settleDisagreement(project, 'anna', 'bjorn', open[0], 'drop', 'anna', log));
    const annaAfter = (await fs.readText(`.qda/codings/anna/${DOC}.jsonl`))!.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(annaAfter.map((c) => c.code).sort(), ['Ledelse', 'Sandkasse']);
    assert.equal(await fs.readText(`.qda/codings/bjorn/${DOC}.jsonl`), bjornBefore);
    log = (await fs.readText('.qda/consensus/anna+bjorn.jsonl'))!;
    assert.equal(parseDecisionLog(log).length, 2);
    assert.equal(disagreementsOf(project, 'anna', 'bjorn', parseDecisionLog(log)).items.length, 0);
  });

  it('keeps a log line it does not understand when appending', async () => {
    const { fs, project } = await setup();
    const d = disagreementsOf(project, 'anna', 'bjorn', []).items[0];
    const foreign = '{"note":"written by another tool"}';
    await fs.writeAtomic('.qda/consensus/anna+bjorn.jsonl', foreign);
    await applyToDisk(project, settleDisagreement(project, 'anna', 'bjorn', d, 'keepBoth', 'felles', foreign));
    const text = (await fs.readText('.qda/consensus/anna+bjorn.jsonl'))!;
    assert.ok(text.startsWith(foreign + '\n'));
    assert.equal(parseDecisionLog(text).length, 1);
  });
});
