// Deterministic benchmark corpus: transcripts from ../shared/tools/gen-corpus.mjs, a codebook
// of 500 codes in 60 categories, memos with [[links]], and codings from two coders generated
// from the real text (exact/prefix/suffix as the server writes them). Same options = same bytes;
// a folder already holding the same corpus (stamp file) is reused.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const GEN = process.env.QDA_GEN_CORPUS ?? join(import.meta.dirname, '../../shared/tools/gen-corpus.mjs');
export const STAMP = '.bench-corpus.json';
export const HOT = 'transcripts/synt-00001.md';
export const BIG = 'transcripts/big-1mb.md';
const CONTEXT = 32;

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJ = ['Trygg', 'Uvant', 'Tungvint', 'Nyttig', 'Krevende', 'Rask', 'Felles', 'Digital', 'Manuell', 'Ny', 'Gammel', 'Lokal', 'Sentral', 'Daglig', 'Formell', 'Uformell', 'Skjult', 'Åpen', 'Faglig', 'Praktisk'];
const NOUN = ['læring', 'støtte', 'oversikt', 'innsikt', 'rutine', 'motstand', 'tillit', 'kontroll', 'opplæring', 'kunnskap', 'samhandling', 'endring', 'ledelse', 'kundedialog', 'registrering', 'rapportering', 'arbeidsflyt', 'sandkasse', 'tilbakemelding', 'prioritering', 'mestring', 'frustrasjon', 'gevinst', 'tidsbruk', 'ansvar'];
const THEMES = ['Kompetanse og opplæring', 'Teknologiaksept', 'Ledelse og styring', 'Kundeforhold', 'Arbeidshverdag', 'Samarbeid', 'Endring og motstand', 'Data og kvalitet', 'Tid og ressurser', 'Organisasjonskultur', 'Verktøy og systemer', 'Ukategorisert'];

export function codeNames(count = 500) {
  const names = [];
  for (let i = 0; i < count; i++) names.push(`${ADJ[i % ADJ.length]} ${NOUN[Math.floor(i / ADJ.length) % NOUN.length]} ${String(i + 1).padStart(3, '0')}`);
  return names;
}

/** 12 themes (H2) × 4 groups (H3) = 60 categories; 500 codes spread over the 48 groups. */
export function makeCodebook(names, rand) {
  const lines = ['# Kodebok (benchmark)', ''];
  const categories = [];
  let next = 0;
  const groups = THEMES.length * 4;
  for (let t = 0; t < THEMES.length; t++) {
    lines.push(`## ${THEMES[t]}`, '', `Tema ${t + 1} i analysen. Se [[notat-${String((t % 20) + 1).padStart(3, '0')}]].`, '');
    categories.push(THEMES[t]);
    for (let g = 0; g < 4; g++) {
      const gi = t * 4 + g;
      const name = `${THEMES[t]}: gruppe ${g + 1}`;
      categories.push(name);
      lines.push(`### ${name}`, '', `Gruppe ${g + 1} under ${THEMES[t].toLowerCase()}.`, '');
      const upto = Math.round(((gi + 1) * names.length) / groups);
      for (; next < upto; next++) {
        lines.push(`- **${names[next]}** — ${NOUN[(next * 7) % NOUN.length]} slik informantene beskriver ${NOUN[(next * 11) % NOUN.length]}${rand() < 0.2 ? `; jf. [[${names[(next * 13) % names.length]}]]` : ''}.`);
      }
      lines.push('');
    }
  }
  return { text: lines.join('\n'), categories };
}

function makeMemos(dir, names, rand) {
  mkdirSync(join(dir, 'memos'), { recursive: true });
  for (let m = 1; m <= 20; m++) {
    const out = [`# Notat ${m}`, ''];
    for (let p = 0; p < 10; p++) {
      const links = [];
      for (let k = 0; k < 3; k++) links.push(`[[${names[Math.floor(rand() * names.length)]}]]`);
      out.push(`Analytisk notat om ${NOUN[(m + p) % NOUN.length]}: ${links.join(', ')} henger sammen med [[${THEMES[p % THEMES.length]}]].`, '');
    }
    writeFileSync(join(dir, 'memos', `notat-${String(m).padStart(3, '0')}.md`), out.join('\n'));
  }
  // The memo completion is measured in: the cursor goes at the end of its last line.
  writeFileSync(join(dir, 'memos', 'bench-completion.md'), '# Utkast\n\nDette henger sammen med [[Trygg');
}

/** Spoken-text ranges of the turns: after `**Label:** [hh:mm:ss] `, to the end of the paragraph. */
function turnTexts(text) {
  const out = [];
  const re = /^\*\*[^*\n]{1,60}?:\*\*[ \t]*(?:\[[\d:.,]+\][ \t]*)?/gm;
  let m;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start > 20) out.push([start, end]);
  }
  return out;
}

function randomSpan(text, turns, rand) {
  const [ts, te] = turns[Math.floor(rand() * turns.length)];
  let s = ts + Math.floor(rand() * (te - ts - 10));
  while (s > ts && text[s - 1] !== ' ') s--;
  const words = 2 + Math.floor(rand() * 30);
  let e = s;
  for (let w = 0; w < words && e < te; w++) {
    const sp = text.indexOf(' ', e + 1);
    e = sp === -1 || sp > te ? te : sp;
  }
  while (e > s && /[\s]/.test(text[e - 1])) e--;
  if (e <= s) e = Math.min(te, s + 5);
  return [s, e];
}

function id8(rand) {
  let s = '';
  for (let i = 0; i < 8; i++) s += Math.floor(rand() * 36).toString(36);
  return s;
}

export function makeCoding(text, doc, start, end, code, coder, id, at) {
  return {
    id, doc, start, end, code,
    exact: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, Math.min(text.length, end + CONTEXT)),
    coder, at,
  };
}

export function compareCodings(a, b) {
  if (a.doc !== b.doc) return a.doc < b.doc ? -1 : 1;
  if (a.start !== b.start) return a.start - b.start;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function serialize(c) {
  return JSON.stringify({ id: c.id, doc: c.doc, start: c.start, end: c.end, code: c.code, exact: c.exact, prefix: c.prefix, suffix: c.suffix, coder: c.coder, at: c.at });
}

/**
 * opts: { dir, files, wordsPerFile, seed, codings, special } — `special` adds the 1 MB
 * transcript with 10,000 codings (BIG) and gives HOT 5,000 codings, the biggest code 5% of all
 * codings and the second code exactly 1,000.
 */
export function generateCorpus(opts, log = () => {}) {
  const { dir, files, wordsPerFile, seed = 1, codings, special } = opts;
  const key = JSON.stringify({ v: 4, files, wordsPerFile, seed, codings, special });
  const stampPath = join(dir, STAMP);
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === key && existsSync(pristineDir(dir))) {
    restorePristine(dir);
    return readMeta(dir);
  }
  const t0 = Date.now();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pristineDir(dir), { recursive: true, force: true });
  mkdirSync(join(dir, 'transcripts'), { recursive: true });
  execFileSync(process.execPath, [GEN, '--out', join(dir, 'transcripts'), '--files', String(files), '--words', String(wordsPerFile), '--seed', String(seed)], { stdio: 'ignore' });
  rmSync(join(dir, 'transcripts', 'manifest.json'), { force: true });
  if (special) {
    const tmp = join(dir, '.big-tmp');
    execFileSync(process.execPath, [GEN, '--out', tmp, '--files', '1', '--words', '125000', '--seed', String(seed + 1000)], { stdio: 'ignore' });
    renameSync(join(tmp, 'synt-00001.md'), join(dir, BIG));
    rmSync(tmp, { recursive: true, force: true });
  }
  const rand = mulberry32(seed * 7919 + 17);
  const names = codeNames(500);
  const codebook = makeCodebook(names, rand);
  writeFileSync(join(dir, 'codebook.md'), codebook.text);
  writeFileSync(join(dir, 'qda.yaml'), 'language: nb\ninterviewers: [Intervjuer]\n');
  makeMemos(dir, names, rand);

  const docs = readdirSync(join(dir, 'transcripts')).filter((f) => f.endsWith('.md')).sort().map((f) => `transcripts/${f}`);
  // How many codings each document gets.
  const perDoc = new Map();
  let rest = codings;
  if (special) {
    perDoc.set(BIG, 10000);
    perDoc.set(HOT, 5000);
    rest = Math.max(codings - 15000, docs.length * 10);
  }
  const plain = docs.filter((d) => !perDoc.has(d));
  plain.forEach((d, i) => perDoc.set(d, Math.floor(rest / plain.length) + (i < rest % plain.length ? 1 : 0)));
  const total = [...perDoc.values()].reduce((a, b) => a + b, 0);

  // Which code each coding gets: code 0 the biggest (5%), code 1 exactly 1,000 (references).
  const assign = new Array(total);
  let k = 0;
  const refCount = special ? Math.min(1000, total) : 0;
  for (let i = 0; i < refCount; i++) assign[k++] = 1;
  const big = Math.round(total * 0.05);
  for (let i = 0; i < big && k < total; i++) assign[k++] = 0;
  while (k < total) assign[k++] = 2 + Math.floor(rand() * (names.length - 2));
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [assign[i], assign[j]] = [assign[j], assign[i]];
  }

  const byCoder = { anna: [], bjorn: [] };
  let n = 0;
  const base = Date.UTC(2026, 0, 5, 9, 0, 0);
  for (const doc of docs) {
    const text = readFileSync(join(dir, doc), 'utf8');
    const turns = turnTexts(text);
    const count = perDoc.get(doc) ?? 0;
    for (let i = 0; i < count; i++, n++) {
      const [s, e] = randomSpan(text, turns, rand);
      const coder = rand() < 0.5 ? 'anna' : 'bjorn';
      const at = new Date(base + n * 37000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      byCoder[coder].push(makeCoding(text, doc, s, e, names[assign[n]], coder, id8(rand), at));
    }
  }
  writeCodingsFiles(dir, [...byCoder.anna, ...byCoder.bjorn]);
  const meta = { files: docs.length, words: files * wordsPerFile + (special ? 125000 : 0), codings: total, codes: names.length, categories: codebook.categories.length, biggestCode: names[0], refCode: special ? names[1] : undefined, seconds: (Date.now() - t0) / 1000 };
  writeFileSync(join(dir, '.bench-meta.json'), JSON.stringify(meta));
  writeFileSync(stampPath, key);
  // Pristine copies of what a benchmark session changes (the server writes re-anchored
  // offsets, the client new codings), outside the project folder.
  rmSync(pristineDir(dir), { recursive: true, force: true });
  for (const p of MUTABLE) {
    if (!existsSync(join(dir, p))) continue;
    mkdirSync(dirname(join(pristineDir(dir), p)), { recursive: true });
    cpSync(join(dir, p), join(pristineDir(dir), p), { recursive: true });
  }
  log(`corpus: ${docs.length} transcripts, ${meta.words} words, ${total} codings written to ${dir} in ${meta.seconds.toFixed(1)} s`);
  return meta;
}

/** Where a coder's codings of a transcript live (server/src/core/parse/config.ts codingsFileOf). */
export function codingsFileOf(coder, doc) {
  return `.qda/codings/${coder}/${doc}.jsonl`;
}

/**
 * Writes codings in the extension's layout: one file per coder and transcript
 * (.qda/codings/<coder>/<doc>.jsonl), each sorted as the server sorts them.
 */
export function writeCodingsFiles(dir, codings) {
  const byFile = new Map();
  for (const c of codings) {
    const file = codingsFileOf(c.coder, c.doc);
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(c);
  }
  for (const [rel, list] of byFile) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, list.sort(compareCodings).map((c) => serialize(c) + '\n').join(''));
  }
}

/** Files (and folders) a benchmark session may change. */
export const MUTABLE = ['.qda/codings', HOT, BIG];

export function pristineDir(dir) {
  return dir.replace(/\/+$/, '') + '.pristine';
}

/** Puts what a session changed back as generated (new codings files and temp files go too). */
export function restorePristine(dir) {
  for (const p of MUTABLE) {
    const src = join(pristineDir(dir), p);
    if (!existsSync(src)) continue;
    if (statSync(src).isDirectory()) rmSync(join(dir, p), { recursive: true, force: true });
    cpSync(src, join(dir, p), { recursive: true });
  }
}

function readMeta(dir) {
  return JSON.parse(readFileSync(join(dir, '.bench-meta.json'), 'utf8'));
}
