// Codebook operations that rearrange codebook.md (see codebookOps.ts): moving codes and
// categories, and adding a category (optionally grouping codes into it). Codes keep their
// codings (they are linked by name), so only codebook.md changes.
import type { CodebookCategory, CodebookCode } from '../model/model';
import type { Project } from '../project/project';
import { escapeCodeName, isUncategorisedName } from '../parse/codebook';
import * as l10n from '../text/l10n';
import type { OperationResult } from './operations';
import {
  EditSet,
  afterLineOf,
  checkNewName,
  codebookText,
  collision,
  endsWithoutNewline,
  findItem,
  indentOf,
  lineStartOf,
  markerWidth,
  reindent,
  withNewline,
  type Item,
} from './codebookEdits';

// ---- move -----------------------------------------------------------------------------

export type MoveTarget =
  | { kind: 'into'; category: string }
  | { kind: 'before' | 'after'; sibling: string }
  | { kind: 'under'; code: string };

interface Block {
  item: Item;
  name: string;
  /** The lines removed from their old place. */
  start: number;
  end: number;
  text: string;
}

function blockOf(text: string, item: Item): Block {
  if (item.kind === 'code') {
    const start = lineStartOf(text, item.code.range.start);
    const end = afterLineOf(text, item.code.range.end);
    return { item, name: item.code.name, start, end, text: withNewline(text.slice(start, end)) };
  }
  const c = item.category;
  return { item, name: c.name, start: c.range.start, end: c.range.end, text: text.slice(c.range.start, c.range.end) };
}

/** A category block with its headings shifted so its top heading has `level`. */
function relevel(project: Project, block: Block, level: number): string | { error: string } {
  if (block.item.kind !== 'category') return block.text;
  const shift = level - block.item.category.level;
  const inside = project.codebook.categories.filter((c) => c.range.start >= block.start && c.range.start < block.end);
  if (inside.some((c) => c.level + shift > 6)) return { error: l10n.t("'{0}' has too many levels of sub-categories to go there (Markdown headings stop at level 6).", block.name) };
  let out = block.text;
  for (const c of [...inside].sort((a, b) => b.range.start - a.range.start)) {
    const at = c.range.start - block.start;
    const m = /^#{1,6}/.exec(out.slice(at));
    if (!m) continue;
    out = out.slice(0, at) + '#'.repeat(c.level + shift) + out.slice(at + m[0].length);
  }
  return out;
}

function resolveItems(project: Project, names: readonly string[]): Item[] | { error: string } {
  const items: Item[] = [];
  for (const n of names) {
    const item = findItem(project, n);
    if (!item) return { error: l10n.t("There is no code or category '{0}' in {1}.", n, project.codebook.path) };
    items.push(item);
  }
  return items;
}

/** What a move did, one whole sentence per case (plurals differ between languages). */
function movedMessage(codes: number, cats: number): string {
  if (cats === 0) return codes === 1 ? l10n.t('Moved {0} code.', codes) : l10n.t('Moved {0} codes.', codes);
  if (codes === 0) return cats === 1 ? l10n.t('Moved {0} category.', cats) : l10n.t('Moved {0} categories.', cats);
  if (codes === 1) return cats === 1 ? l10n.t('Moved {0} code and {1} category.', codes, cats) : l10n.t('Moved {0} code and {1} categories.', codes, cats);
  return cats === 1 ? l10n.t('Moved {0} codes and {1} category.', codes, cats) : l10n.t('Moved {0} codes and {1} categories.', codes, cats);
}

/** Drops items that lie inside another item of the list (they move with it). */
function outermost(text: string, items: Item[]): Block[] {
  const blocks = items.map((i) => blockOf(text, i));
  const unique = blocks.filter((b, i) => blocks.findIndex((x) => x.start === b.start && x.end === b.end) === i);
  return unique.filter((b) => !unique.some((o) => o !== b && o.start <= b.start && b.end <= o.end && (o.end - o.start) > (b.end - b.start)));
}

/** Back from `p` over whitespace and over text that is being removed. */
function trimBack(text: string, p: number, min: number, removed: readonly Block[]): number {
  for (;;) {
    if (p <= min) return min;
    if (/\s/.test(text[p - 1])) {
      p--;
      continue;
    }
    const r = removed.find((b) => b.start < p && p <= b.end);
    if (r) {
      p = r.start;
      continue;
    }
    return p;
  }
}

function insideRemoved(p: number, removed: readonly Block[]): boolean {
  return removed.some((b) => b.start < p && p < b.end);
}

/** The first sub-category of `c` (where its own codes end). */
function firstSubcategory(project: Project, c: CodebookCategory): CodebookCategory | undefined {
  return project.codebook.categories.find((x) => x.range.start > c.range.start && x.range.start < c.range.end && x.level > c.level);
}

function directCodes(project: Project, c: CodebookCategory): CodebookCode[] {
  const own = firstSubcategory(project, c)?.range.start ?? c.range.end;
  return project.codebook.codes.filter((x) => !x.parentCode && x.range.start > c.range.start && x.range.start < own);
}

/**
 * Moves codes and categories: into a category (codes join its own list, categories become
 * its last sub-category), before or after a sibling, or under a code as child codes. Codes
 * keep their codings (they are linked by name), so only codebook.md changes.
 */
export function moveItems(project: Project, names: readonly string[], target: MoveTarget): OperationResult {
  const resolved = resolveItems(project, names);
  if ('error' in resolved) return { edits: [], error: resolved.error };
  if (resolved.length === 0) return { edits: [], error: l10n.t('Nothing to move.') };
  const text = codebookText(project);
  const blocks = outermost(text, resolved);
  const codes = blocks.filter((b) => b.item.kind === 'code');
  const cats = blocks.filter((b) => b.item.kind === 'category');
  const pieces: string[] = [];
  let at: number;
  const fail = (error: string): OperationResult => ({ edits: [], error });

  const place = (level: number | undefined, indent: number | undefined): string | { error: string } => {
    for (const b of blocks) {
      if (b.item.kind === 'code') {
        pieces.push(reindent(b.text, indentOf(text, b.item.code.range.start), indent ?? 0));
      } else {
        const r = relevel(project, b, level ?? 2);
        if (typeof r !== 'string') return r;
        pieces.push(r);
      }
    }
    return '';
  };

  let newText: string;
  if (target.kind === 'under') {
    const parent = project.findCode(target.code);
    if (!parent) return fail(l10n.t("There is no code '{0}'.", target.code));
    if (cats.length > 0) return fail(l10n.t('A category cannot go under a code; drop it on a category instead.'));
    if (codes.some((b) => b.start <= parent.range.start && parent.range.end <= b.end)) return fail(l10n.t("'{0}' cannot go under itself or its own child codes.", parent.name));
    const indent = indentOf(text, parent.range.start) + markerWidth(text, parent.range.start);
    const r = place(undefined, indent);
    if (typeof r !== 'string') return fail(r.error);
    at = afterLineOf(text, parent.range.end);
    if (insideRemoved(at, blocks)) at = trimBack(text, at, parent.range.end, blocks);
    newText = (endsWithoutNewline(text, at) ? '\n' : '') + pieces.join('');
  } else if (target.kind === 'into') {
    const category = project.findCategory(target.category);
    if (!category) return fail(l10n.t("There is no category '{0}'.", target.category));
    if (cats.some((b) => b.start <= category.range.start && category.range.start < b.end)) return fail(l10n.t("'{0}' cannot go into itself or its own sub-categories.", category.name));
    if (codes.length > 0 && cats.length > 0) return fail(l10n.t('Move codes and categories separately.'));
    if (codes.length > 0) {
      const own = directCodes(project, category).filter((c) => !blocks.some((b) => b.start <= c.range.start && c.range.end <= b.end));
      const last = own[own.length - 1];
      if (last) {
        const r = place(undefined, indentOf(text, last.range.start));
        if (typeof r !== 'string') return fail(r.error);
        at = afterLineOf(text, last.range.end);
        newText = (endsWithoutNewline(text, at) ? '\n' : '') + pieces.join('');
      } else {
        const r = place(undefined, 0);
        if (typeof r !== 'string') return fail(r.error);
        const end = firstSubcategory(project, category)?.range.start ?? category.range.end;
        at = trimBack(text, end, category.nameRange.end, blocks);
        newText = '\n\n' + pieces.join('').replace(/\n+$/, '') + (at === text.length ? '\n' : '');
      }
    } else {
      if (category.level >= 6) return fail(l10n.t("'{0}' is at heading level 6; no deeper level exists.", category.name));
      const r = place(category.level + 1, undefined);
      if (typeof r !== 'string') return fail(r.error);
      at = trimBack(text, category.range.end, category.nameRange.end, blocks);
      newText = '\n\n' + pieces.map((p) => p.replace(/\s+$/, '')).join('\n\n') + (at === text.length ? '\n' : '');
    }
  } else {
    const sibling = findItem(project, target.sibling);
    if (!sibling) return fail(l10n.t("There is no code or category '{0}'.", target.sibling));
    const siblingBlock = blockOf(text, sibling);
    if (blocks.some((b) => b.start <= siblingBlock.start && siblingBlock.end <= b.end)) return fail(l10n.t("'{0}' is one of the items being moved.", target.sibling));
    if (sibling.kind === 'code') {
      if (cats.length > 0) return fail(l10n.t('A category goes next to another category, or into one.'));
      const r = place(undefined, indentOf(text, sibling.code.range.start));
      if (typeof r !== 'string') return fail(r.error);
      at = target.kind === 'before' ? siblingBlock.start : siblingBlock.end;
      newText = (endsWithoutNewline(text, at) ? '\n' : '') + pieces.join('');
    } else {
      if (codes.length > 0) return fail(l10n.t('A code goes into a category, next to another code or under a code.'));
      const r = place(sibling.category.level, undefined);
      if (typeof r !== 'string') return fail(r.error);
      const body = pieces.map((p) => p.replace(/\s+$/, '')).join('\n\n');
      if (target.kind === 'before') {
        at = siblingBlock.start;
        newText = body + '\n\n';
      } else if (siblingBlock.end < text.length) {
        at = siblingBlock.end;
        newText = body + '\n\n';
      } else {
        at = trimBack(text, text.length, sibling.category.nameRange.end, blocks);
        newText = '\n\n' + body + (at === text.length ? '\n' : '');
      }
    }
  }
  if (insideRemoved(at, blocks)) return fail(l10n.t('The items cannot be moved inside themselves.'));
  const edits = new EditSet();
  for (const b of blocks) edits.add(project.codebook.path, { start: b.start, end: b.end, newText: '' });
  edits.add(project.codebook.path, { start: at, end: at, newText });
  const nCodes = codes.length;
  const nCats = cats.length;
  return { edits: edits.fileEdits(), message: movedMessage(nCodes, nCats) };
}

// ---- new category / group -------------------------------------------------------------

/**
 * Adds a category: under `parent` (as its last sub-category) or as a main theme (before the
 * uncategorised section). With `codes`, those codes move into it ("Group into new category").
 */
export function newCategory(project: Project, rawName: string, options: { parent?: string; codes?: readonly string[]; description?: string } = {}): OperationResult {
  const checked = checkNewName(rawName);
  if ('error' in checked) return { edits: [], error: checked.error };
  const name = checked.name;
  const clash = collision(project, name);
  if (clash) return { edits: [], error: l10n.t('No category added: {0}', clash) };
  const text = codebookText(project);
  let level = 2;
  let at: number;
  let blocks: Block[] = [];
  if (options.codes && options.codes.length > 0) {
    const items = resolveItems(project, options.codes);
    if ('error' in items) return { edits: [], error: items.error };
    if (items.some((i) => i.kind !== 'code')) return { edits: [], error: l10n.t('Only codes can be grouped; move categories by dragging them.') };
    blocks = outermost(text, items);
  }
  const parent = options.parent !== undefined ? project.findCategory(options.parent) : undefined;
  if (options.parent !== undefined && !parent) return { edits: [], error: l10n.t("There is no category '{0}'.", options.parent) };
  if (parent) {
    if (parent.level >= 6) return { edits: [], error: l10n.t("'{0}' is at heading level 6; no deeper level exists.", parent.name) };
    level = parent.level + 1;
    at = trimBack(text, parent.range.end, parent.nameRange.end, blocks);
  } else {
    const uncategorised = project.codebook.categories.find((c) => c.level === 2 && isUncategorisedName(c.name));
    if (uncategorised && uncategorised.range.start > 0) at = trimBack(text, uncategorised.range.start, 0, blocks);
    else at = trimBack(text, text.length, 0, blocks);
  }
  const codesText = blocks.map((b) => reindent(b.text, indentOf(text, (b.item as { code: CodebookCode }).code.range.start), 0)).join('');
  const desc = options.description?.replace(/\s+/g, ' ').trim();
  let body = `${'#'.repeat(level)} ${escapeCodeName(name)}\n`;
  if (desc) body += `${desc}\n`;
  if (codesText) body += `\n${codesText}`;
  body = body.replace(/\n+$/, '');
  const lead = at === 0 ? '' : '\n\n';
  const edits = new EditSet();
  for (const b of blocks) edits.add(project.codebook.path, { start: b.start, end: b.end, newText: '' });
  const trailing = at === text.length ? '\n' : '';
  edits.add(project.codebook.path, { start: at, end: at, newText: lead + body + trailing }, !project.texts.has(project.codebook.path));
  return { edits: edits.fileEdits(), message: blocks.length === 0 ? l10n.t("Added category '{0}'.", name) : blocks.length === 1 ? l10n.t("Grouped {0} code into '{1}'.", blocks.length, name) : l10n.t("Grouped {0} codes into '{1}'.", blocks.length, name) };
}
