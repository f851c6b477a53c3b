// Every diagnostic the editor shows and `qda check` prints, gathered over a project: the files'
// own (qda.yaml, codebook, transcripts, codings files), the index's (duplicate and unknown
// codes, orphaned and fuzzy codings, unresolved links), and those of the checks above the
// project — quotes (quotes.ts), methodological checks (checks.ts) and real names (privacy.ts).
// It sits above all of them, so that the project itself imports none.
import type { QdaDiagnostic, CodebookCode } from '../model/model';
import { CONFIG_FILE } from '../parse/config';
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import { truncate, type Project } from '../project/project';
import { quoteDiagnostics } from './quotes';
import { methodologicalChecks } from './checks';
import { PrivacyChecker } from './privacy';
import { frameworkDiagnostics } from './framework';
import { runSteps, STEP, type Steps } from '../text/steps';
import type { CodingsFile } from '../parse/codings';

interface Cached {
  /** project.version the diagnostics were gathered at. */
  version: number;
  diagnostics: Map<string, QdaDiagnostic[]> | undefined;
  /** Real names from the identifiers file and the qda.realName check; keeps its per-file cache. */
  privacy: PrivacyChecker;
}

const cache = new WeakMap<Project, Cached>();

/** Every diagnostic of the project, by file; gathered again only after the project changed. */
export function projectDiagnostics(project: Project): Map<string, QdaDiagnostic[]> {
  return runSteps(projectDiagnosticsSteps(project));
}

/**
 * projectDiagnostics, pausing between codings files every STEP codings (core/text/steps.ts):
 * the language server gathers them after each burst of keystrokes, ~100–150 ms on the bench
 * corpus, and runs this in slices so that the next keystroke and its hover are not held up.
 */
export function* projectDiagnosticsSteps(project: Project): Steps<Map<string, QdaDiagnostic[]>> {
  let state = cache.get(project);
  if (!state) cache.set(project, (state = { version: project.version, diagnostics: undefined, privacy: new PrivacyChecker() }));
  if (state.diagnostics && state.version === project.version) return state.diagnostics;
  const out = yield* gather(project, state.privacy);
  // Taken after gathering, as the project was when the result was complete (whoever runs this
  // in slices starts over when the project changed during a pause: cancellation.ts).
  state.version = project.version;
  state.diagnostics = out;
  return out;
}

function* gather(project: Project, privacy: PrivacyChecker): Steps<Map<string, QdaDiagnostic[]>> {
  const out = new Map<string, QdaDiagnostic[]>();
  const disabled = project.config.disabledChecks;
  const add = (d: QdaDiagnostic): void => {
    if (disabled.includes(d.code)) return;
    const list = out.get(d.path);
    if (list) list.push(d);
    else out.set(d.path, [d]);
  };
  project.parseDiagnostics().forEach(add);
  const codebook = project.codebook;

  // Duplicate code names: the second and later definitions are errors.
  const firstByName = new Map<string, CodebookCode>();
  for (const code of codebook.codes) {
    const key = normalizeName(code.name);
    const first = firstByName.get(key);
    if (first) {
      add({
        path: codebook.path,
        range: code.nameRange,
        severity: 'error',
        code: 'qda.duplicateCode',
        message: l10n.t("Duplicate code name '{0}': already defined on line {1}. Code names must be unique (case and Unicode form are ignored).", code.name, first.line + 1),
        data: { name: code.name, firstLine: first.line },
      });
    } else firstByName.set(key, code);
  }

  // 50,000 codings in the benchmark, checked after every change: look things up once.
  const knownCode = new Map<string, boolean>();
  let checked = 0;
  for (const file of [...project.codingsFiles.values()]) {
    if (checked >= STEP) {
      checked = 0;
      yield;
    }
    codingsFileDiagnostics(project, file, knownCode, add);
    checked += file.lines.length;
  }

  for (const note of project.notes.values()) {
    for (const link of note.links) {
      if (link.target === '' || project.resolveLink(link.target)) continue;
      add({
        path: note.path,
        range: link.range,
        severity: 'warning',
        code: 'qda.unresolvedLink',
        message: l10n.t('[[{0}]] resolves to no code, category or note.', link.target),
        data: { target: link.target },
      });
    }
  }
  // The checks above the index: each one piece (the methodological checks ~20 ms on the bench corpus).
  yield;
  quoteDiagnostics(project).forEach(add);
  yield;
  methodologicalChecks(project).forEach(add);
  yield;
  frameworkDiagnostics(project).forEach(add);
  privacyDiagnostics(project, privacy).forEach(add);
  for (const list of out.values()) list.sort((a, b) => a.range.start - b.range.start);
  return out;
}

/**
 * One codings file's diagnostics: its own (lines that do not parse), unknown codes, codings
 * pointing nowhere, orphaned and approximately re-attached codings (these also in the
 * transcript). A plain function, not a generator's body: V8 optimises its loop while it runs.
 */
function codingsFileDiagnostics(project: Project, file: CodingsFile, knownCode: Map<string, boolean>, add: (d: QdaDiagnostic) => void): void {
  const codebook = project.codebook;
  file.diagnostics.forEach(add);
  for (const line of file.lines) {
    const c = line.coding;
    let known = knownCode.get(c.code);
    if (known === undefined) knownCode.set(c.code, (known = project.findCode(c.code) !== undefined));
    const info = project.codingById(c.id);
    const fine = known && info !== undefined && info.anchored && info.status !== 'fuzzy' && c.extra?.review !== 'fuzzy';
    if (fine) continue;
    const range = { start: line.start, end: line.end };
    if (!known) {
      add({
        path: file.path,
        range,
        severity: 'warning',
        code: 'qda.unknownCode',
        message: l10n.t("Coding {0} uses code '{1}', which {2} does not define (line {3}).", c.id, c.code, codebook.path, line.line + 1),
        data: { id: c.id, code: c.code },
      });
    }
    if (!project.isTranscript(c.doc)) {
      add({ path: file.path, range, severity: 'warning', code: 'qda.orphanCoding', message: l10n.t('Coding {0} ({1}) points to {2}, which is not a transcript of this project (line {3}). It is kept.', c.id, c.code, c.doc, line.line + 1), data: { id: c.id } });
    } else {
      if (info && !info.anchored) {
        add({ path: file.path, range, severity: 'warning', code: 'qda.orphanCoding', message: l10n.t('Coding {0} ({1}) no longer matches its text in {2} (line {3}): "{4}". It is kept as an orphan; re-attach or delete it.', c.id, c.code, c.doc, line.line + 1, truncate(c.exact, 60)), data: { id: c.id } });
        const text = project.textOf(c.doc) ?? '';
        const at = Math.min(info.coding.start, text.length);
        add({ path: c.doc, range: { start: at, end: Math.min(Math.max(info.coding.end, at), text.length) }, severity: 'warning', code: 'qda.orphanCoding', message: l10n.t("Orphaned coding '{0}' ({1}) was here: \"{2}\".", c.code, c.coder, truncate(c.exact, 60)), data: { id: c.id } });
      } else if (info && (info.status === 'fuzzy' || c.extra?.review === 'fuzzy')) {
        const score = info.score !== undefined ? Math.round(info.score * 100) : undefined;
        const exact = truncate(c.exact, 60);
        const inCodings =
          score === undefined
            ? l10n.t('Coding {0} ({1}) was re-attached by approximate match after {2} changed (line {3}); review it.', c.id, c.code, c.doc, line.line + 1)
            : l10n.t('Coding {0} ({1}) was re-attached by approximate match ({4}% similar) after {2} changed (line {3}); review it.', c.id, c.code, c.doc, line.line + 1, score);
        const inTranscript =
          score === undefined
            ? l10n.t("Coding '{0}' ({1}) was re-attached here by approximate match; it was \"{2}\". Review it.", c.code, c.coder, exact)
            : l10n.t("Coding '{0}' ({1}) was re-attached here by approximate match ({3}% similar); it was \"{2}\". Review it.", c.code, c.coder, exact, score);
        add({ path: file.path, range, severity: 'information', code: 'qda.fuzzyCoding', message: inCodings, data: { id: c.id } });
        add({ path: c.doc, range: { start: info.coding.start, end: info.coding.end }, severity: 'information', code: 'qda.fuzzyCoding', message: inTranscript, data: { id: c.id } });
      }
    }
  }
}

/** qda.realName in transcripts, memos, chapters and the codebook; never in the identifiers file. */
function privacyDiagnostics(project: Project, privacy: PrivacyChecker): QdaDiagnostic[] {
  const { config } = project;
  const path = config.identifiers;
  privacy.configure(path, project.heldText(path), [...Object.keys(config.informants), ...config.interviewers]);
  if (privacy.error) {
    const text = project.textOf(CONFIG_FILE) ?? '';
    const at = /^identifiers\s*:/m.exec(text);
    return [{ path: CONFIG_FILE, range: { start: at?.index ?? 0, end: at ? at.index + at[0].length - 1 : 0 }, severity: 'warning', code: 'qda.identifiersParse', message: l10n.t('{0}. The privacy check (real names in the text) is off until it is fixed.', privacy.error.message) }];
  }
  const out: QdaDiagnostic[] = [];
  for (const [file, role] of project.roles) {
    if (file === path || (role !== 'transcript' && role !== 'memo' && role !== 'chapter' && role !== 'codebook' && role !== 'framework')) continue;
    out.push(...privacy.check(file, project.textOf(file) ?? ''));
  }
  return out;
}
