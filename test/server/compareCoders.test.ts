// Compare Coders over stdio (issue 18.3/18.5): the server keeps each pair's comparison and
// answers it a page at a time, with next/previous by position. Paged through in small pages, by
// the whole order and code by code, it gives exactly the places the unpaged computation gave
// before paging (kept below as the reference), in the same order; next/previous walk that order
// across page boundaries; and a settlement (a change of the codings, or of the log alone) is
// seen by the next request, not a kept answer.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { copyOfDemo, serverSuite } from './lspClient';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { Project } from '../../server/src/core/project/project';
import { LineIndex } from '../../server/src/core/text/text';
import { normalizeName } from '../../server/src/core/text/text';
import { DEFAULT_CONSENSUS_OVERLAP, consensusLogPath, parseDecisionLog, type DecisionLine } from '../../server/src/core/analysis/consensus';
import type { Coding } from '../../server/src/core/model/model';
import { disagreementStepRequest, disagreementsRequest, settleDisagreementRequest, type DisagreementInfo, type DisagreementsResult } from '../../server/src/protocol';

const PAIR = { a: 'anna', b: 'bjorn' };

interface Place {
  key: string;
  code: string;
  doc: string;
  start: number;
  end: number;
  a: string[];
  b: string[];
}

/**
 * The computation as it was before paging (core/analysis/consensus.ts at d1c41c1, unchanged but
 * for names): clusters of overlapping codings per code and transcript, one-sided or with
 * IoU < 0.8, not settled in the log, sorted by code, transcript and place.
 */
function referenceDisagreements(project: Project, a: string, b: string, log: readonly DecisionLine[]): Place[] {
  const iou = (x: Array<[number, number]>, y: Array<[number, number]>): number => {
    const merge = (list: Array<[number, number]>): Array<[number, number]> => {
      const out: Array<[number, number]> = [];
      for (const [s, e] of [...list].sort((p, q) => p[0] - q[0])) {
        const last = out[out.length - 1];
        if (last && s <= last[1]) last[1] = Math.max(last[1], e);
        else out.push([s, e]);
      }
      return out;
    };
    const ma = merge(x);
    const mb = merge(y);
    const len = (l: Array<[number, number]>): number => l.reduce((n, [s, e]) => n + e - s, 0);
    let inter = 0;
    for (const [s1, e1] of ma) for (const [s2, e2] of mb) inter += Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
    const union = len(ma) + len(mb) - inter;
    return union === 0 ? 1 : inter / union;
  };
  const byKey = new Map<string, Coding[]>();
  for (const info of project.allCodings()) {
    const c = info.coding;
    if (!info.anchored || (c.coder !== a && c.coder !== b) || c.end <= c.start) continue;
    const code = project.findCode(c.code)?.name ?? c.code;
    const key = `${normalizeName(code)}\u0000${c.doc}`;
    byKey.set(key, [...(byKey.get(key) ?? []), { ...c, code }]);
  }
  const settledBy = (d: Place): boolean =>
    log.some((l) => l.doc === d.doc && normalizeName(l.code) === normalizeName(d.code) && l.start < d.end && l.end > d.start && [l.a, l.b].sort().join('+') === [a, b].sort().join('+'));
  const items: Place[] = [];
  for (const list of byKey.values()) {
    list.sort((x, y) => x.start - y.start || x.end - y.end);
    let cluster: Coding[] = [];
    let clusterEnd = -1;
    const flush = (): void => {
      if (!cluster.length) return;
      const fromA = cluster.filter((c) => c.coder === a);
      const fromB = cluster.filter((c) => c.coder === b);
      const agree = fromA.length > 0 && fromB.length > 0 && iou(fromA.map((c) => [c.start, c.end]), fromB.map((c) => [c.start, c.end])) >= DEFAULT_CONSENSUS_OVERLAP;
      if (!agree) {
        const start = Math.min(...cluster.map((c) => c.start));
        const end = Math.max(...cluster.map((c) => c.end));
        const d: Place = { key: `${cluster[0].code}\u0000${cluster[0].doc}\u0000${start}\u0000${end}`, code: cluster[0].code, doc: cluster[0].doc, start, end, a: fromA.map((c) => c.id), b: fromB.map((c) => c.id) };
        if (!settledBy(d)) items.push(d);
      }
      cluster = [];
    };
    for (const c of list) {
      if (c.start >= clusterEnd) flush();
      cluster.push(c);
      clusterEnd = Math.max(clusterEnd, c.end);
    }
    flush();
  }
  items.sort((x, y) => x.code.localeCompare(y.code) || (x.doc < y.doc ? -1 : x.doc > y.doc ? 1 : x.start - y.start));
  return items;
}

describe('Compare Coders over stdio: pages, next/previous, and what a settlement changes', function () {
  this.timeout(60000);
  const ctx = serverSuite(async () => copyOfDemo('qda-compare-'));

  /** The places as computed before paging, from the files on disk now. */
  const reference = async (): Promise<Place[]> => {
    const project = new Project(new NodeFileSystem(ctx.root));
    await project.load();
    let log = '';
    try {
      log = readFileSync(path.join(ctx.root, consensusLogPath('anna', 'bjorn')), 'utf8');
    } catch {
      // No decisions yet.
    }
    return referenceDisagreements(project, 'anna', 'bjorn', parseDecisionLog(log));
  };
  const request = (p: { offset?: number; limit?: number; code?: string }): Promise<DisagreementsResult> => ctx.editor.connection.sendRequest(disagreementsRequest, { ...PAIR, ...p });
  const step = (step: number, from?: string) => ctx.editor.connection.sendRequest(disagreementStepRequest, { ...PAIR, step, ...(from === undefined ? {} : { from }) });
  /** What the view shows of a place, from the reference: its key, code, coders' codings, text and range. */
  const expected = (d: Place) => {
    const text = readFileSync(path.join(ctx.root, d.doc), 'utf8');
    const lines = new LineIndex(text);
    return { key: d.key, code: d.code, uri: ctx.editor.uri(d.doc), text: text.slice(d.start, d.end), range: { start: lines.positionAt(d.start), end: lines.positionAt(d.end) }, a: d.a, b: d.b };
  };
  const shown = (i: DisagreementInfo) => ({ key: i.key, code: i.code, uri: i.uri, text: i.text, range: i.range, a: i.a.map((c) => c.id), b: i.b.map((c) => c.id) });

  /** Every place, three at a time through the whole order. */
  const pageThrough = async (): Promise<{ first: DisagreementsResult; items: DisagreementInfo[] }> => {
    const first = await request({ limit: 3 });
    const items = [...first.items];
    while (items.length < first.total) {
      const page = await request({ offset: items.length, limit: 3 });
      assert.equal(page.offset, items.length);
      assert.ok(page.items.length > 0 && page.items.length <= 3, `a page of 1 to 3 places (got ${page.items.length})`);
      items.push(...page.items);
    }
    return { first, items };
  };

  it('pages through every disagreement, by the whole order and code by code, and gets exactly the places computed before paging, in their order', async () => {
    const ref = await reference();
    assert.ok(ref.length > 6, `the demo has disagreements between anna and bjorn over more than two pages (got ${ref.length})`);
    const { first, items } = await pageThrough();
    assert.equal(first.total, ref.length);
    assert.equal(first.items.length, 3, 'the first page holds the page size only');
    assert.deepEqual(items.map(shown), ref.map(expected));
    // Past the end: an empty page, not an error.
    assert.deepEqual((await request({ offset: ref.length, limit: 3 })).items, []);

    // Per code: the counts, the first positions, and each code's own pages.
    const codes = [...new Set(ref.map((d) => d.code))];
    assert.deepEqual(first.codes, codes.map((code) => ({ code, count: ref.filter((d) => d.code === code).length, first: ref.findIndex((d) => d.code === code) })));
    for (const { code, count } of first.codes) {
      const got: DisagreementInfo[] = [];
      while (got.length < count) got.push(...(await request({ code, offset: got.length, limit: 2 })).items);
      assert.deepEqual(got.map(shown), ref.filter((d) => d.code === code).map(expected), code);
    }
  });

  it('next and previous walk the same order across page boundaries, wrap around, and go on from a place settled meanwhile', async () => {
    const ref = await reference();
    const n = ref.length;
    // Next from nowhere is the first; n steps visit every place once, in order; one more wraps.
    const walked: string[] = [];
    let at = await step(1);
    for (let i = 0; i < n; i++) {
      assert.equal(at.index, i);
      assert.equal(at.total, n);
      walked.push(at.item!.key);
      at = await step(1, at.item!.key);
    }
    assert.deepEqual(walked, ref.map((d) => d.key));
    assert.equal(at.item!.key, ref[0].key, 'next after the last is the first');
    // Previous from the first is the last, then back through the order.
    const back: string[] = [];
    at = await step(-1, ref[0].key);
    for (let i = 0; i < n; i++) {
      back.push(at.item!.key);
      at = await step(-1, at.item!.key);
    }
    assert.deepEqual(back, ref.map((d) => d.key).reverse());
    assert.equal((await step(-1)).item!.key, ref[n - 1].key, 'previous from nowhere is the last');

    // Settle a place in the middle that has A's codings: keep A into the consensus coder
    // (its codings file changes), then one of B's alone dropped (only the log changes).
    const k = ref.findIndex((d, i) => i >= 3 && d.a.length > 0);
    assert.ok(k >= 3, 'a place with codings by anna past the first page');
    const settled = ref[k];
    const keep = await ctx.editor.connection.sendRequest(settleDisagreementRequest, { ...PAIR, key: settled.key, decision: 'keepA', target: 'konsensus' });
    assert.equal(keep.error, undefined);
    await ctx.editor.applyResult(keep);
    const after = await reference();
    assert.equal(after.length, n - 1);
    assert.deepEqual((await pageThrough()).items.map(shown), after.map(expected), 'the pages after keep A are the places computed from the files now');
    // The settled place is gone; the walk goes on from where it stood.
    const here = await step(0, settled.key);
    assert.deepEqual([here.item, here.index, here.total], [null, k, n - 1]);
    assert.equal((await step(1, settled.key)).item!.key, ref[k + 1].key, 'next from the settled place is the one that followed it');
    assert.equal((await step(-1, settled.key)).item!.key, ref[k - 1].key, 'previous from the settled place is the one before it');

    const onlyB = after.findIndex((d) => d.a.length === 0);
    assert.ok(onlyB >= 0, 'a place only bjorn coded');
    const drop = await ctx.editor.connection.sendRequest(settleDisagreementRequest, { ...PAIR, key: after[onlyB].key, decision: 'drop', target: 'konsensus' });
    assert.equal(drop.error, undefined);
    // The server writes its own files (the codings and the log) itself and lists what it wrote.
    assert.equal(drop.edit, undefined);
    assert.deepEqual([...new Set(drop.written ?? [])], [ctx.editor.uri(consensusLogPath('anna', 'bjorn'))], 'a drop into the consensus coder writes the log alone');
    await ctx.editor.applyResult(drop);
    const afterDrop = await reference();
    assert.equal(afterDrop.length, n - 2);
    const paged = await pageThrough();
    assert.equal(paged.first.settled, 2);
    assert.deepEqual(paged.items.map(shown), afterDrop.map(expected), 'the pages after a change of the log alone are the places computed from the files now');
  });
});
