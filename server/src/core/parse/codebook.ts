// codebook.md: headings of level 2 and deeper are categories, an H1 is the title, a list
// item that starts with bold text is a code (the rest of the item is its description),
// nested items are child codes (DESIGN.md).
import * as l10n from '../text/l10n';
import type { List, ListItem, Nodes, Paragraph, Root } from 'mdast';
import type { Codebook, CodebookCategory, CodebookCode, QdaDiagnostic } from '../model/model';
import { parseMarkdown, plainText } from '../text/markdown';
import { normalizeName } from '../text/text';
import type { Language } from './config';
import type { OffsetEdit } from './codings';

const UNCATEGORISED = new Set(['ukategorisert', 'ukategoriserte koder', 'uncategorised', 'uncategorized', 'uncategorised codes', 'uncategorized codes']);

export function uncategorisedHeading(language: Language): string {
  return language === 'en' ? 'Uncategorised' : 'Ukategorisert';
}

export function isUncategorisedName(name: string): boolean {
  return UNCATEGORISED.has(normalizeName(name));
}

export interface ParsedCodebook {
  codebook: Codebook;
  diagnostics: QdaDiagnostic[];
}

export function parseCodebook(path: string, text: string): ParsedCodebook {
  const diagnostics: QdaDiagnostic[] = [];
  const codebook: Codebook = { path, categories: [], codes: [] };
  let root: Root;
  try {
    root = parseMarkdown(text);
  } catch (err) {
    // remark accepts any text; this guards against a parser bug taking the server down.
    diagnostics.push({ path, range: { start: 0, end: 1 }, severity: 'error', code: 'qda.codebookParse', message: l10n.t('codebook.md could not be parsed: {0}', (err as Error).message) });
    return { codebook, diagnostics };
  }
  const stack: CodebookCategory[] = [];
  let lastHeadingCategory: CodebookCategory | undefined;
  let expectDescription = false;

  const addCodes = (list: List, parent: CodebookCode | undefined): void => {
    for (const item of list.children as ListItem[]) {
      const para = item.children[0];
      const strong = para?.type === 'paragraph' ? (para as Paragraph).children[0] : undefined;
      if (!para || !strong || strong.type !== 'strong' || !strong.position || !para.position) {
        // A plain list item (a note, not a code): its nested lists may still hold codes.
        for (const child of item.children) if (child.type === 'list') addCodes(child, parent);
        continue;
      }
      const name = plainText(strong).trim();
      const afterName = text.slice(strong.position.end.offset!, para.position.end.offset!);
      const description = afterName.replace(/^[\s]*[—–\-:]+[\s]*/, '').replace(/\s*\n\s*/g, ' ').trim();
      const code: CodebookCode = {
        name,
        description,
        nameRange: { start: strong.position.start.offset! + 2, end: strong.position.end.offset! - 2 },
        range: { start: item.position!.start.offset!, end: item.position!.end.offset! },
        categoryPath: stack.map((c) => c.name),
        children: [],
        line: strong.position.start.line - 1,
      };
      if (parent) {
        code.parentCode = parent.name;
        parent.children.push(name);
      }
      if (name === '') {
        diagnostics.push({ path, range: code.range, severity: 'warning', code: 'qda.codeEmptyName', message: l10n.t('A code needs a name inside the bold text.') });
      } else codebook.codes.push(code);
      for (const child of item.children.slice(1)) if (child.type === 'list') addCodes(child, code);
    }
  };

  for (const node of root.children as Nodes[]) {
    if (node.type === 'heading' && node.position) {
      const name = plainText(node).trim();
      const first = node.children[0]?.position;
      const last = node.children[node.children.length - 1]?.position;
      const nameRange = first && last ? { start: first.start.offset!, end: last.end.offset! } : { start: node.position.start.offset!, end: node.position.end.offset! };
      if (node.depth === 1) {
        if (codebook.title === undefined) codebook.title = name;
        stack.length = 0;
        expectDescription = false;
        continue;
      }
      while (stack.length > 0 && stack[stack.length - 1].level >= node.depth) stack.pop();
      const category: CodebookCategory = {
        name,
        level: node.depth,
        description: '',
        nameRange,
        range: { start: node.position.start.offset!, end: text.length },
        path: [...stack.map((c) => c.name), name],
        line: node.position.start.line - 1,
      };
      // Close earlier categories of the same or a deeper level at this heading.
      for (const c of codebook.categories) {
        if (c.range.end === text.length && c.level >= node.depth && c !== category) c.range.end = node.position.start.offset!;
      }
      codebook.categories.push(category);
      if (isUncategorisedName(name) && codebook.uncategorisedName === undefined) codebook.uncategorisedName = name;
      stack.push(category);
      lastHeadingCategory = category;
      expectDescription = true;
      continue;
    }
    if (node.type === 'paragraph' && expectDescription && lastHeadingCategory && node.position) {
      lastHeadingCategory.description = text.slice(node.position.start.offset!, node.position.end.offset!).replace(/\s*\n\s*/g, ' ').trim();
      expectDescription = false;
      continue;
    }
    expectDescription = false;
    if (node.type === 'list') addCodes(node, undefined);
  }
  return { codebook, diagnostics };
}

/** Markdown for a code name inside `**…**`: escapes what would end or break the bold. */
export function escapeCodeName(name: string): string {
  return name.replace(/([\\*_`[\]<])/g, '\\$1');
}

/**
 * Where a new code goes: appended to the uncategorised section (created at the end of the
 * file when missing), as `- **Name**`.
 */
export function appendCodeEdit(text: string, codebook: Codebook, name: string, language: Language, description = ''): OffsetEdit {
  const item = `- **${escapeCodeName(name)}**${description ? ` — ${description}` : ''}\n`;
  const section = codebook.categories.find((c) => isUncategorisedName(c.name));
  if (!section) {
    const sep = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return { start: text.length, end: text.length, newText: `${sep}## ${uncategorisedHeading(language)}\n\n${item}` };
  }
  // The end of the section's last non-blank line.
  let end = section.range.end;
  while (end > section.range.start && /\s/.test(text[end - 1])) end--;
  const sectionCodes = codebook.codes.filter((c) => c.range.start >= section.range.start && c.range.end <= section.range.end);
  const lastCode = sectionCodes[sectionCodes.length - 1];
  const endsWithList = lastCode !== undefined && text.slice(lastCode.range.end, end).trim() === '';
  const atEof = end === text.length;
  const lead = endsWithList ? '\n' : '\n\n';
  // Inserted after the last non-blank character, so the section's own line break follows it.
  return { start: end, end, newText: lead + (atEof ? item : item.slice(0, -1)) };
}

export function codeByName(codebook: Codebook): Map<string, CodebookCode> {
  const map = new Map<string, CodebookCode>();
  for (const c of codebook.codes) if (!map.has(normalizeName(c.name))) map.set(normalizeName(c.name), c);
  return map;
}
