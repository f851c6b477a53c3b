// Codebook operations: rename, merge, move, new category, group, delete, describe, colour.
// Each returns an OperationResult: offset edits over codebook.md, every coder's codings file,
// the notes whose [[links]] change and qda.yaml, so the server can hand one WorkspaceEdit to
// the client (one undo step) and the CLI/tests can apply it to disk. Nothing is written here.
// The shared machinery is codebookEdits.ts; moving and new categories are codebookMove.ts.
import { parseDocument, isMap, isScalar, isPair, type Pair, type YAMLMap } from 'yaml';
import type { CodebookCode, Coding } from '../model/model';
import type { Project } from '../project/project';
import type { OffsetEdit } from '../parse/codings';
import { escapeCodeName, uncategorisedHeading } from '../parse/codebook';
import { CONFIG_FILE } from '../parse/config';
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import type { OperationResult } from './operations';
import { frameworkMergeEdits, frameworkRenameEdits } from './frameworkNotes';
import {
  EditSet,
  afterLineOf,
  checkNewName,
  codebookText,
  collision,
  endsWithoutNewline,
  filesUsing,
  findItem,
  lineStartOf,
  transformCodingsFile,
  writeBlockedFiles,
} from './codebookEdits';

export { normalizeEdits, transformCodingsFile } from './codebookEdits';
export { moveItems, newCategory, type MoveTarget } from './codebookMove';

// ---- rename ---------------------------------------------------------------------------

/** Edits that point every [[link]] to `oldName` (however it resolves) at `newName`, keeping aliases. */
function linkEdits(project: Project, oldName: string, newName: string, edits: EditSet): number {
  let n = 0;
  for (const { path, link } of project.linksTo(oldName)) {
    edits.add(path, { start: link.targetRange.start, end: link.targetRange.end, newText: newName });
    n++;
  }
  return n;
}

/** Renames the key of `colors:` in qda.yaml, if the old name has a colour there. */
function colorKeyEdits(project: Project, oldName: string, newName: string | undefined, edits: EditSet): void {
  const text = project.texts.get(CONFIG_FILE);
  if (text === undefined) return;
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return;
  const colors = doc.get('colors', true);
  if (!isMap(colors)) return;
  for (const pair of (colors as YAMLMap).items) {
    if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
    if (normalizeName(String(pair.key.value)) !== normalizeName(oldName)) continue;
    if (newName === undefined) continue;
    edits.add(CONFIG_FILE, { start: pair.key.range[0], end: pair.key.range[1], newText: yamlKey(newName) });
  }
}

function yamlKey(name: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u.test(name) && !/ $/.test(name) ? name : JSON.stringify(name);
}

/**
 * Renames a code or a category: its name in codebook.md, the code in every coder's codings,
 * every [[link]] to it (aliases kept), its colour key in qda.yaml and its row headings in
 * framework.md.
 */
export function renameItem(project: Project, oldName: string, rawNewName: string): OperationResult {
  const item = findItem(project, oldName);
  if (!item) return { edits: [], error: l10n.t("There is no code or category '{0}' in {1}.", oldName, project.codebook.path) };
  const checked = checkNewName(rawNewName);
  if ('error' in checked) return { edits: [], error: checked.error };
  const newName = checked.name;
  const currentName = item.kind === 'code' ? item.code.name : item.category.name;
  if (newName === currentName) return { edits: [], error: l10n.t("The name is already '{0}'.", newName) };
  const clash = collision(project, newName, item);
  if (clash) return { edits: [], error: l10n.t('Not renamed: {0}', clash) };
  const edits = new EditSet();
  const range = item.kind === 'code' ? item.code.nameRange : item.category.nameRange;
  edits.add(project.codebook.path, { start: range.start, end: range.end, newText: escapeCodeName(newName) });
  let codings = 0;
  if (item.kind === 'code') {
    const key = normalizeName(currentName);
    const files = filesUsing(project, new Set([key]));
    const blocked = writeBlockedFiles(project, files);
    if (blocked) return { edits: [], error: l10n.t('Not renamed: {0}.', blocked) };
    for (const file of files) {
      const r = transformCodingsFile(file, project.texts.get(file.path) ?? '', (c) => (normalizeName(c.code) === key ? { ...c, code: newName } : undefined));
      edits.add(file.path, r.edits);
      codings += r.changed;
    }
    colorKeyEdits(project, currentName, newName, edits);
  }
  const links = linkEdits(project, currentName, newName, edits);
  const framework = frameworkRenameEdits(project, currentName, newName);
  if (framework) edits.add(framework.path, framework.edits);
  const message =
    item.kind === 'code'
      ? l10n.t("Renamed code '{0}' to '{1}' ({2} codings, {3} links).", currentName, newName, codings, links)
      : l10n.t("Renamed category '{0}' to '{1}' ({2} codings, {3} links).", currentName, newName, codings, links);
  return { edits: edits.fileEdits(), message };
}

// ---- merge ----------------------------------------------------------------------------

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?…)»”"]$/.test(t) ? t : `${t}.`;
}

/**
 * Merges codes into `targetName`: their codings take the target's name (a coding that would
 * duplicate one the same coder already has on the same passage with the target is removed),
 * descriptions are appended to the target's, [[links]] point at the target, their framework.md
 * notes go under the target's row, and the source items leave codebook.md. A source may be a code that only codings use (not in the codebook).
 */
export function mergeCodes(project: Project, sourceNames: readonly string[], targetName: string): OperationResult {
  const target = project.findCode(targetName);
  if (!target) return { edits: [], error: l10n.t("There is no code '{0}' to merge into.", targetName) };
  const targetKey = normalizeName(target.name);
  const sources: Array<{ name: string; code?: CodebookCode }> = [];
  const seen = new Set<string>();
  for (const raw of sourceNames) {
    const key = normalizeName(raw);
    if (key === targetKey || seen.has(key)) continue;
    seen.add(key);
    const code = project.findCode(raw);
    if (!code && project.codingsOfCode(raw).length === 0) return { edits: [], error: l10n.t("There is no code '{0}' in the codebook or the codings.", raw) };
    if (code && code.children.length > 0) return { edits: [], error: l10n.t("'{0}' has child codes ({1}); move or merge them first.", code.name, code.children.join(', ')) };
    if (code && isAncestor(project, code, target)) return { edits: [], error: l10n.t("'{0}' is inside '{1}'.", target.name, code.name) };
    sources.push({ name: code?.name ?? raw, code });
  }
  if (sources.length === 0) return { edits: [], error: l10n.t('Choose at least one other code to merge.') };
  const keys = new Set(sources.map((s) => normalizeName(s.name)));
  const files = filesUsing(project, keys);
  const blocked = writeBlockedFiles(project, files);
  if (blocked) return { edits: [], error: l10n.t('Not merged: {0}.', blocked) };

  const edits = new EditSet();
  let moved = 0;
  let duplicates = 0;
  for (const file of files) {
    // Passages this file already has with the target (per coder), and those it gets now.
    const has = new Set<string>();
    const passage = (c: Coding): string => `${c.coder}\u0000${c.doc}\u0000${c.start}\u0000${c.end}`;
    for (const l of file.lines) if (normalizeName(l.coding.code) === targetKey) has.add(passage(l.coding));
    const r = transformCodingsFile(file, project.texts.get(file.path) ?? '', (c) => {
      if (!keys.has(normalizeName(c.code))) return undefined;
      const p = passage(c);
      if (has.has(p)) return null;
      has.add(p);
      return { ...c, code: target.name };
    });
    edits.add(file.path, r.edits);
    moved += r.changed;
    duplicates += r.removed;
  }

  const cb = codebookText(project);
  const parts = [target.description, ...sources.map((s) => s.code?.description ?? '')].map((d) => d.trim()).filter((d) => d !== '');
  const unique = parts.filter((d, i) => parts.findIndex((x) => normalizeName(x) === normalizeName(d)) === i);
  if (unique.length > 1) {
    edits.add(project.codebook.path, descriptionEdit(cb, target, unique.map(sentence).join(' ')));
  }
  for (const s of sources) {
    if (!s.code) continue;
    edits.add(project.codebook.path, { start: lineStartOf(cb, s.code.range.start), end: afterLineOf(cb, s.code.range.end), newText: '' });
  }
  let links = 0;
  for (const s of sources) links += linkEdits(project, s.name, target.name, edits);
  const framework = frameworkMergeEdits(project, sources.map((s) => s.name), target.name);
  if (framework) edits.add(framework.path, framework.edits);
  return {
    edits: edits.fileEdits(),
    removed: duplicates,
    message: duplicates
      ? l10n.t("Merged {0} into '{1}': {2} codings moved, {3} duplicates removed, {4} links updated.", sources.map((s) => `'${s.name}'`).join(', '), target.name, moved, duplicates, links)
      : l10n.t("Merged {0} into '{1}': {2} codings moved, {3} links updated.", sources.map((s) => `'${s.name}'`).join(', '), target.name, moved, links),
  };
}

function isAncestor(project: Project, maybeAncestor: CodebookCode, code: CodebookCode): boolean {
  for (let p = code.parentCode; p !== undefined; p = project.findCode(p)?.parentCode) {
    if (normalizeName(p) === normalizeName(maybeAncestor.name)) return true;
  }
  return false;
}

// ---- describe -------------------------------------------------------------------------

/** The end of a code item's first paragraph (its description), before any nested list. */
function descriptionEnd(text: string, code: CodebookCode): number {
  const from = code.nameRange.end;
  const rest = text.slice(from, code.range.end);
  const m = /\n[ \t]*\n|\n[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]/.exec(rest);
  return m ? from + m.index : code.range.end;
}

function descriptionEdit(text: string, code: CodebookCode, description: string): OffsetEdit {
  // After the closing ** of the name.
  const start = code.nameRange.end + 2;
  const flat = description.replace(/\s+/g, ' ').trim();
  return { start, end: descriptionEnd(text, code), newText: flat ? ` — ${flat}` : '' };
}

/** Sets the description of a code (the rest of its list item's line) or a category (the paragraph under its heading). */
export function setDescription(project: Project, name: string, description: string): OperationResult {
  const item = findItem(project, name);
  if (!item) return { edits: [], error: l10n.t("There is no code or category '{0}' in {1}.", name, project.codebook.path) };
  const text = codebookText(project);
  const flat = description.replace(/\s+/g, ' ').trim();
  if (item.kind === 'code') {
    return { edits: [{ path: project.codebook.path, edits: [descriptionEdit(text, item.code, flat)] }], message: l10n.t("Description of '{0}' updated.", item.code.name) };
  }
  const c = item.category;
  const headingEnd = afterLineOf(text, c.nameRange.end);
  if (c.description) {
    // The paragraph starts at the first non-blank line after the heading.
    let p = headingEnd;
    while (p < text.length && /\s/.test(text[p])) p++;
    const rest = text.slice(p, c.range.end);
    const m = /\n[ \t]*\n|\n[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6})[ \t]/.exec(rest);
    const end = m ? p + m.index : p + rest.replace(/\s+$/, '').length;
    if (!flat) {
      const after = afterLineOf(text, end);
      return { edits: [{ path: project.codebook.path, edits: [{ start: headingEnd, end: text.slice(end, after).trim() === '' ? after : end, newText: '' }] }] };
    }
    return { edits: [{ path: project.codebook.path, edits: [{ start: p, end, newText: flat }] }], message: l10n.t("Description of '{0}' updated.", c.name) };
  }
  if (!flat) return { edits: [], error: l10n.t("'{0}' has no description.", c.name) };
  const lead = endsWithoutNewline(text, headingEnd) ? '\n' : '';
  return { edits: [{ path: project.codebook.path, edits: [{ start: headingEnd, end: headingEnd, newText: `${lead}${flat}\n` }] }], message: l10n.t("Description of '{0}' updated.", c.name) };
}

// ---- colour ---------------------------------------------------------------------------

/** Sets (or with '' removes) a code's colour under `colors:` in qda.yaml. */
export function setColor(project: Project, name: string, color: string): OperationResult {
  const code = project.findCode(name);
  const codeName = code?.name ?? name;
  if (color !== '' && !/^#[0-9a-fA-F]{6}$/.test(color)) return { edits: [], error: l10n.t("'{0}' is not a colour like #e6194b.", color) };
  const text = project.texts.get(CONFIG_FILE);
  const value = JSON.stringify(color);
  if (text === undefined) {
    if (color === '') return { edits: [] };
    return { edits: [{ path: CONFIG_FILE, create: true, edits: [{ start: 0, end: 0, newText: `colors:\n  ${yamlKey(codeName)}: ${value}\n` }] }] };
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { edits: [], error: l10n.t('qda.yaml does not parse; fix it first.') };
  const colors = isMap(doc.contents) ? doc.get('colors', true) : undefined;
  if (isMap(colors)) {
    const pair = (colors as YAMLMap).items.find((p): p is Pair => isPair(p) && isScalar(p.key) && normalizeName(String(p.key.value)) === normalizeName(codeName));
    if (pair && isScalar(pair.value) && pair.value.range) {
      if (color === '' && isScalar(pair.key) && pair.key.range) {
        const ls = lineStartOf(text, pair.key.range[0]);
        if (text.slice(ls, pair.key.range[0]).trim() === '' && !(colors as YAMLMap).flow) {
          return { edits: [{ path: CONFIG_FILE, edits: [{ start: ls, end: afterLineOf(text, pair.value.range[1]), newText: '' }] }] };
        }
      } else if (color !== '') {
        return { edits: [{ path: CONFIG_FILE, edits: [{ start: pair.value.range[0], end: pair.value.range[1], newText: value }] }] };
      }
    } else if (color === '') return { edits: [] };
    const last = (colors as YAMLMap).items[(colors as YAMLMap).items.length - 1];
    if (!(colors as YAMLMap).flow && last && isScalar(last.key) && last.key.range && last.value && isScalar(last.value) && last.value.range) {
      const indent = last.key.range[0] - lineStartOf(text, last.key.range[0]);
      const at = afterLineOf(text, last.value.range[1]);
      return { edits: [{ path: CONFIG_FILE, edits: [{ start: at, end: at, newText: `${endsWithoutNewline(text, at) ? '\n' : ''}${' '.repeat(indent)}${yamlKey(codeName)}: ${value}\n` }] }] };
    }
  } else if (colors === undefined || colors === null) {
    if (color === '') return { edits: [] };
    const lead = text === '' || text.endsWith('\n') ? '' : '\n';
    return { edits: [{ path: CONFIG_FILE, edits: [{ start: text.length, end: text.length, newText: `${lead}colors:\n  ${yamlKey(codeName)}: ${value}\n` }] }] };
  }
  // A flow map or an unusual layout: rewrite the document through the YAML library.
  if (color === '') doc.deleteIn(['colors', codeName]);
  else doc.setIn(['colors', codeName], color);
  return { edits: [{ path: CONFIG_FILE, edits: [{ start: 0, end: text.length, newText: doc.toString() }] }] };
}

// ---- delete ---------------------------------------------------------------------------

/**
 * Deletes a code from codebook.md together with every coder's codings of it. `removed` says
 * how many codings go, so the client can ask before it applies the edit.
 */
export function deleteCode(project: Project, name: string): OperationResult {
  const code = project.findCode(name);
  const codeName = code?.name ?? name;
  const key = normalizeName(codeName);
  if (!code && project.codingsOfCode(name).length === 0) return { edits: [], error: l10n.t("There is no code '{0}'.", name) };
  if (code && code.children.length > 0) return { edits: [], error: l10n.t("'{0}' has child codes ({1}); move, merge or delete them first.", code.name, code.children.join(', ')) };
  const files = filesUsing(project, new Set([key]));
  const blocked = writeBlockedFiles(project, files);
  if (blocked) return { edits: [], error: l10n.t('Not deleted: {0}.', blocked) };
  const edits = new EditSet();
  let removed = 0;
  for (const file of files) {
    const r = transformCodingsFile(file, project.texts.get(file.path) ?? '', (c) => (normalizeName(c.code) === key ? null : undefined));
    edits.add(file.path, r.edits);
    removed += r.removed;
  }
  if (code) {
    const text = codebookText(project);
    edits.add(project.codebook.path, { start: lineStartOf(text, code.range.start), end: afterLineOf(text, code.range.end), newText: '' });
  }
  const links = project.linksTo(codeName).length;
  return {
    edits: edits.fileEdits(),
    removed,
    message: deletedMessage(codeName, removed, links),
  };
}

/** What a deletion did, one whole sentence per case (plurals differ between languages). */
function deletedMessage(code: string, removed: number, links: number): string {
  if (links === 0) return removed === 1 ? l10n.t("Deleted code '{0}' and its {1} coding.", code, removed) : l10n.t("Deleted code '{0}' and its {1} codings.", code, removed);
  if (links === 1) {
    return removed === 1
      ? l10n.t("Deleted code '{0}' and its {1} coding; {2} [[link]] to it no longer resolve.", code, removed, links)
      : l10n.t("Deleted code '{0}' and its {1} codings; {2} [[link]] to it no longer resolve.", code, removed, links);
  }
  return removed === 1
    ? l10n.t("Deleted code '{0}' and its {1} coding; {2} [[links]] to it no longer resolve.", code, removed, links)
    : l10n.t("Deleted code '{0}' and its {1} codings; {2} [[links]] to it no longer resolve.", code, removed, links);
}

/** Where "New code" without a category goes, for messages. */
export function uncategorisedName(project: Project): string {
  return project.codebook.uncategorisedName ?? uncategorisedHeading(project.config.language);
}
