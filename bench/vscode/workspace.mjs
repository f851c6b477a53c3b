// The workspace the decoration figures of `npm run bench:vscode` are measured on: `copies` ~1 MB
// transcripts (gen-corpus, 125,000 spoken words each, different seeds), the benchmark codebook of
// 500 codes in 60 categories, and one coder's codings files with 5,000 codings of each transcript,
// each with the exact/prefix/suffix the server itself writes (so nothing is re-anchored at
// start-up). Several transcripts, so that every measured open is of a document VS Code has not
// loaded yet.
// Deterministic: the same seed gives the same bytes; an up-to-date folder is reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GEN, codeNames, makeCodebook, makeCoding, mulberry32, writeCodingsFiles } from '../corpus.mjs';

export const docName = (i) => `transcripts/big-1mb-${String(i + 1).padStart(2, '0')}.md`;
const STAMP = '.bench-vscode.json';

/** Spoken text of the informants' turns: after `**Label:** [hh:mm:ss] `, to the end of the line. */
function informantTurns(text) {
  const out = [];
  const re = /^\*\*([^*\n]{1,60}?):\*\*[ \t]*(?:\[[\d:.,]+\][ \t]*)?/gm;
  let m;
  while ((m = re.exec(text))) {
    if (m[1] === 'Intervjuer') continue;
    const start = m.index + m[0].length;
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start > 40) out.push([start, end]);
  }
  return out;
}

/** A span of 2–30 whole words inside one turn. */
function span(text, [ts, te], rand) {
  let s = ts + Math.floor(rand() * (te - ts - 20));
  while (s > ts && text[s - 1] !== ' ') s--;
  const words = 2 + Math.floor(rand() * 29);
  let e = s;
  for (let w = 0; w < words && e < te; w++) {
    const sp = text.indexOf(' ', e + 1);
    e = sp === -1 || sp > te ? te : sp;
  }
  while (e > s && /\s/.test(text[e - 1])) e--;
  if (e <= s) e = Math.min(te, s + 5);
  return [s, e];
}

/** Writes (or reuses) the workspace in `dir`; returns { dir, docs, bytes (the largest), codingsPerDoc, codings, codes }. */
export function makeDecorationWorkspace(dir, { copies = 10, codings = 5000, words = 125000, seed = 9 } = {}) {
  const key = JSON.stringify({ v: 3, copies, codings, words, seed });
  const stamp = join(dir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return JSON.parse(readFileSync(join(dir, '.bench-meta.json'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'transcripts'), { recursive: true });
  const tmp = join(dir, '.gen-tmp');
  for (let i = 0; i < copies; i++) {
    execFileSync(process.execPath, [GEN, '--out', tmp, '--files', '1', '--words', String(words), '--seed', String(seed + i)], { stdio: 'ignore' });
    renameSync(join(tmp, 'synt-00001.md'), join(dir, docName(i)));
  }
  rmSync(tmp, { recursive: true, force: true });

  const rand = mulberry32(seed * 7919 + 17);
  const names = codeNames(500);
  writeFileSync(join(dir, 'codebook.md'), makeCodebook(names, rand).text);
  writeFileSync(join(dir, 'qda.yaml'), 'language: nb\ninterviewers: [Intervjuer]\ncoder: anna\n');

  const list = [];
  const base = Date.UTC(2026, 0, 5, 9, 0, 0);
  let bytes = 0;
  for (let d = 0; d < copies; d++) {
    const doc = docName(d);
    const text = readFileSync(join(dir, doc), 'utf8');
    bytes = Math.max(bytes, Buffer.byteLength(text));
    const turns = informantTurns(text);
    for (let i = 0; i < codings; i++) {
      const [s, e] = span(text, turns[Math.floor(rand() * turns.length)], rand);
      const id = Math.floor(rand() * 36 ** 8).toString(36).padStart(8, '0');
      const at = new Date(base + (d * codings + i) * 37000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      list.push(makeCoding(text, doc, s, e, names[Math.floor(rand() * names.length)], 'anna', id, at));
    }
  }
  writeCodingsFiles(dir, list);
  const meta = { dir: resolve(dir), docs: copies, bytes, codingsPerDoc: codings, codings: list.length, codes: names.length };
  writeFileSync(join(dir, '.bench-meta.json'), JSON.stringify(meta));
  writeFileSync(stamp, key);
  return meta;
}
