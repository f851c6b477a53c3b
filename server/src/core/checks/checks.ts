// Methodological checks on the codebook: advice, not errors. Each has a stable code that
// qda.yaml can switch off (`checks: { qda.codeNoDescription: false }`), and they show in
// codebook.md and in `qda check`:
//   qda.codeUnused          a code never applied (once the project has codings)
//   qda.codeNoDescription   a code without a description
//   qda.categorySingleCode  a category (group or theme) holding a single code
//   qda.codesUncategorised  codes still uncategorised once categories exist
//   qda.codeNearDuplicate   two code names that are nearly the same (quick fix: merge)
//   qda.codeSingleInformant codes applied to fewer informants than qda.yaml asks
//                           (`checks: { qda.codeSingleInformant: 2 }`)
import * as l10n from '../text/l10n';
import type { CodebookCode, QdaDiagnostic } from '../model/model';
import type { Project } from '../project/project';
import { isUncategorisedName } from '../parse/codebook';
import { normalizeName } from '../text/text';
import { levenshtein } from '../text/search';

/** Letters and digits only, lower case: "«Kunde-innsikt»" and "kundeinnsikt" compare equal. */
export function nameKey(name: string): string {
  return normalizeName(name).replace(/[^\p{L}\p{N}]+/gu, '');
}

function tokens(name: string): Set<string> {
  return new Set(normalizeName(name).split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0));
}

/**
 * How alike two code names are, 0..1: the better of the normalised edit similarity of their
 * letters and digits, and the token overlap (Jaccard) when both have at least two words.
 */
export function nameSimilarity(a: string, b: string): number {
  const ka = nameKey(a);
  const kb = nameKey(b);
  if (ka === '' || kb === '') return 0;
  const longest = Math.max([...ka].length, [...kb].length);
  const edit = 1 - levenshtein(ka, kb, Math.ceil(longest * 0.3), 'codePoint') / longest;
  const ta = tokens(a);
  const tb = tokens(b);
  let jaccard = 0;
  if (ta.size >= 2 && tb.size >= 2) {
    let both = 0;
    for (const t of ta) if (tb.has(t)) both++;
    jaccard = both / (ta.size + tb.size - both);
  }
  return Math.max(edit, jaccard);
}

/** Near-duplicates: equal letters, edit similarity ≥ 0.85 on names of 6+ letters, or ≥ 80 % shared words. */
export function isNearDuplicate(a: string, b: string): boolean {
  return nearDuplicateKeys(nameKey(a), nameKey(b), tokens(a), tokens(b));
}

/**
 * Code points of a name key counted in 64 buckets (code point mod 64). Half the L1 distance of
 * two such counts, rounded up — at least the larger of the surpluses either way — is a lower
 * bound of the keys' edit distance (an edit changes at most one count up and one down), and
 * merging code points into buckets only lowers it: a cheap test that lets most pairs of a large
 * codebook skip the edit distance.
 */
function charCounts(key: string): Int16Array {
  const counts = new Int16Array(64);
  for (const ch of key) counts[ch.codePointAt(0)! & 63]++;
  return counts;
}

function editDistanceLowerBound(a: Int16Array, b: Int16Array): number {
  let more = 0;
  let less = 0;
  for (let i = 0; i < 64; i++) {
    const d = a[i] - b[i];
    if (d > 0) more += d;
    else less -= d;
  }
  return Math.max(more, less);
}

/**
 * isNearDuplicate on names already reduced by nameKey and tokens (computed once per code);
 * `ca`/`cb` (charCounts of the keys) let a pair that cannot be close skip the edit distance.
 */
function nearDuplicateKeys(ka: string, kb: string, ta: Set<string>, tb: Set<string>, ca?: Int16Array, cb?: Int16Array): boolean {
  if (ka === kb) return ka !== '';
  const longest = Math.max(ka.length, kb.length);
  const lengthRatio = Math.min(ka.length, kb.length) / longest;
  if (ta.size >= 2 && tb.size >= 2) {
    let both = 0;
    for (const t of ta) if (tb.has(t)) both++;
    if (both / (ta.size + tb.size - both) >= 0.8) return true;
  }
  if (longest < 6 || lengthRatio < 0.85) return false;
  if (ca && cb && editDistanceLowerBound(ca, cb) > longest * 0.15) return false;
  return 1 - levenshtein(ka, kb, Math.ceil(longest * 0.15), 'codePoint') / longest >= 0.85;
}

/** Existing codes most like `name`, best first (for "map to existing code"). */
export function similarCodes(project: Project, name: string, limit = 3): CodebookCode[] {
  return project.codebook.codes
    .map((code) => ({ code, s: nameSimilarity(name, code.name) }))
    .filter((x) => x.s >= 0.5 && normalizeName(x.code.name) !== normalizeName(name))
    .sort((a, b) => b.s - a.s)
    .slice(0, limit)
    .map((x) => x.code);
}

export function methodologicalChecks(project: Project): QdaDiagnostic[] {
  const out: QdaDiagnostic[] = [];
  const cb = project.codebook;
  const path = cb.path;
  const codes = cb.codes;
  const anyCodings = project.allCodings().length > 0;
  const realCategories = cb.categories.filter((c) => !isUncategorisedName(c.name));

  for (const code of codes) {
    const counts = project.countsOfCode(code.name);
    if (anyCodings && counts.codings === 0 && code.children.length === 0) {
      out.push({ path, range: code.nameRange, severity: 'information', code: 'qda.codeUnused', message: l10n.t("The code '{0}' is not applied to any passage yet. Use it, merge it, or delete it before the analysis is final.", code.name), data: { name: code.name } });
    }
    if (code.description.trim() === '') {
      out.push({ path, range: code.nameRange, severity: 'hint', code: 'qda.codeNoDescription', message: l10n.t("The code '{0}' has no description. Say what it covers, so a second coder (and the appendix reader) applies it the same way.", code.name), data: { name: code.name } });
    }
    const min = project.config.minInformantsPerCode;
    if (min > 1 && counts.codings > 0 && counts.informants.length < min) {
      out.push({
        path,
        range: code.nameRange,
        severity: 'information',
        code: 'qda.codeSingleInformant',
        message:
          counts.informants.length === 0
            ? l10n.t("The code '{0}' is applied to no informant; qda.yaml asks for at least {1}.", code.name, min)
            : counts.informants.length === 1
              ? l10n.t("The code '{0}' is applied to one informant only ({1}); qda.yaml asks for at least {2}.", code.name, counts.informants[0], min)
              : l10n.t("The code '{0}' is applied to {1} informants ({2}); qda.yaml asks for at least {3}.", code.name, counts.informants.length, counts.informants.join(', '), min),
        data: { name: code.name, informants: counts.informants },
      });
    }
  }

  for (const category of cb.categories) {
    if (isUncategorisedName(category.name)) continue;
    const inside = project.codesInCategory(category);
    if (inside.length === 1) {
      out.push({ path, range: category.nameRange, severity: 'information', code: 'qda.categorySingleCode', message: l10n.t("The category '{0}' holds a single code ('{1}'). A category usually gathers several codes; merge it with a neighbour or move the code.", category.name, inside[0].name), data: { name: category.name, code: inside[0].name } });
    }
  }

  if (realCategories.length > 0) {
    for (const code of codes) {
      if (code.parentCode) continue;
      const top = code.categoryPath[0];
      if (top !== undefined && !isUncategorisedName(top)) continue;
      out.push({ path, range: code.nameRange, severity: 'information', code: 'qda.codesUncategorised', message: l10n.t("The code '{0}' is not in a category yet. Group it into a theme (drag it in the Codebook view) once you see where it belongs.", code.name), data: { name: code.name } });
    }
  }

  out.push(...nearDuplicateChecks(codes, path));
  return out;
}

// The pairwise name comparison is the costly check (500 codes are 125,000 pairs) and depends
// on the codebook alone: computed once per parsed codebook, not on every diagnostics pass.
const nearDuplicateCache = new WeakMap<readonly CodebookCode[], { path: string; diagnostics: QdaDiagnostic[] }>();

function nearDuplicateChecks(codes: readonly CodebookCode[], path: string): QdaDiagnostic[] {
  const cached = nearDuplicateCache.get(codes);
  if (cached && cached.path === path) return cached.diagnostics;
  const out: QdaDiagnostic[] = [];
  // Near-duplicate names: the later code gets the diagnostic, naming the earlier one.
  // Names are normalised once per code, not once per pair (500 codes are 125,000 pairs).
  const norms = codes.map((c) => normalizeName(c.name));
  const keys = codes.map((c) => nameKey(c.name));
  const toks = codes.map((c) => tokens(c.name));
  const counts = keys.map(charCounts);
  for (let j = 0; j < codes.length; j++) {
    for (let i = 0; i < j; i++) {
      if (norms[i] === norms[j]) continue; // qda.duplicateCode's job
      const li = keys[i].length;
      const lj = keys[j].length;
      if (keys[i] !== keys[j] && Math.min(li, lj) / Math.max(li, lj, 1) < 0.5) continue;
      if (!nearDuplicateKeys(keys[i], keys[j], toks[i], toks[j], counts[i], counts[j])) continue;
      out.push({
        path,
        range: codes[j].nameRange,
        severity: 'information',
        code: 'qda.codeNearDuplicate',
        message: l10n.t("'{0}' is nearly the same name as '{1}' (line {2}). If they mean the same, merge them.", codes[j].name, codes[i].name, codes[i].line + 1),
        data: { name: codes[j].name, other: codes[i].name },
      });
      break;
    }
  }
  nearDuplicateCache.set(codes, { path, diagnostics: out });
  return out;
}
