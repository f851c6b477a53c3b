// The theme report for a supervisor without VS Code: per theme its description and review
// status, its groups and codes with definitions, each code's counts by informant and by
// attribute, its segments (all, or the first N) with informant, transcript and line, and the
// open review threads. The model here; HTML and Word renderings in themeReportHtml.ts and
// themeReportDocx.ts.
import type { Project } from '../project/project';
import { normalizeName } from '../text/text';
import { isUncategorisedName } from '../parse/codebook';
import { quoteBank, type BankSegment } from '../export/quoteBank';
import { analysisSegments } from '../analysis/segments';
import { itemStatus, sortedThreads, type ItemReviewStatus, type ReviewState, type ReviewThread } from './reviewState';

export interface ReportCode {
  name: string;
  definition: string;
  status: ItemReviewStatus;
  threads: ReviewThread[];
  codings: number;
  /** Coded segments per informant, most first. */
  byInformant: Array<[string, number]>;
  /** Per attribute of the informants (qda.yaml), segments per value. */
  byAttribute: Array<{ attribute: string; counts: Array<[string, number]> }>;
  segments: BankSegment[];
  /** Segments left out by the per-code limit. */
  omitted: number;
}

export interface ReportSection {
  /** The group's name (undefined: codes directly under the theme). */
  group?: string;
  description: string;
  status?: ItemReviewStatus;
  threads: ReviewThread[];
  codes: ReportCode[];
}

export interface ReportTheme {
  name: string;
  description: string;
  status?: ItemReviewStatus;
  threads: ReviewThread[];
  sections: ReportSection[];
}

export interface ThemeReport {
  title: string;
  language: 'nb' | 'en';
  themes: ReportTheme[];
  /** Open threads on transcript passages (not on a codebook item). */
  passageThreads: ReviewThread[];
  totals: { themes: number; codes: number; segments: number; openThreads: number };
}

export interface ThemeReportOptions {
  /** At most this many segments per code (default: all). */
  segmentsPerCode?: number;
}

export function themeReport(project: Project, review: ReviewState, options: ThemeReportOptions = {}): ThemeReport {
  const language = project.config.language;
  const open = sortedThreads(review).filter((t) => !t.resolved);
  const threadsOn = (name: string): ReviewThread[] => open.filter((t) => 'item' in t.on && normalizeName(t.on.item) === normalizeName(name));
  const bankByCode = new Map<string, BankSegment[]>();
  for (const g of quoteBank(project)) bankByCode.set(normalizeName(g.path[g.path.length - 1]), g.segments);
  const segmentsByCode = new Map<string, Array<string | null>>();
  for (const s of analysisSegments(project)) {
    const key = normalizeName(s.code);
    let list = segmentsByCode.get(key);
    if (!list) segmentsByCode.set(key, (list = []));
    list.push(s.informant);
  }
  const limit = options.segmentsPerCode ?? Infinity;
  const codeOf = (name: string, definition: string): ReportCode => {
    const key = normalizeName(name);
    const informants = segmentsByCode.get(key) ?? [];
    const byInformant = countBy(informants.map((i) => i ?? (language === 'nb' ? '(intervjuer)' : '(interviewer)')));
    const attributes = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.keys(a)))].sort();
    const byAttribute = attributes.map((attribute) => ({
      attribute,
      counts: countBy(informants.filter((i): i is string => i !== null).map((i) => project.config.informants[i]?.[attribute] ?? '—')),
    }));
    const all = bankByCode.get(key) ?? [];
    return {
      name,
      definition,
      status: itemStatus(review, name, definition),
      threads: threadsOn(name),
      codings: informants.length,
      byInformant,
      byAttribute,
      segments: all.slice(0, limit),
      omitted: Math.max(0, all.length - limit),
    };
  };
  const codebook = project.codebook;
  const minLevel = Math.min(...codebook.categories.map((c) => c.level));
  const themes: ReportTheme[] = [];
  const themeNamed = new Map<string, ReportTheme>();
  for (const c of codebook.categories) {
    if (c.level !== minLevel) continue;
    const uncategorised = isUncategorisedName(c.name);
    const theme: ReportTheme = { name: c.name, description: c.description, status: uncategorised ? undefined : itemStatus(review, c.name, c.description), threads: threadsOn(c.name), sections: [] };
    themes.push(theme);
    themeNamed.set(normalizeName(c.name), theme);
  }
  const sectionOf = (path: string[]): ReportSection | undefined => {
    const theme = themeNamed.get(normalizeName(path[0] ?? ''));
    if (!theme) return undefined;
    const groupName = path.length > 1 ? path.slice(1).join(' › ') : undefined;
    let section = theme.sections.find((s) => s.group === groupName);
    if (!section) {
      const category = path.length > 1 ? codebook.categories.find((c) => c.path.join('\u0000') === path.join('\u0000')) : undefined;
      section = { group: groupName, description: category?.description ?? '', status: category ? itemStatus(review, category.name, category.description) : undefined, threads: category ? threadsOn(category.name) : [], codes: [] };
      // Codes directly under the theme come before its groups.
      if (groupName === undefined) theme.sections.unshift(section);
      else theme.sections.push(section);
    }
    return section;
  };
  // Every group gets its section, in codebook order, even before its first code.
  for (const c of codebook.categories) if (c.level !== minLevel) sectionOf(c.path);
  const orphanCodes: ReportCode[] = [];
  for (const code of codebook.codes) {
    const section = sectionOf(code.categoryPath);
    const rc = codeOf(code.name, code.description);
    if (section) section.codes.push(rc);
    else orphanCodes.push(rc);
  }
  if (orphanCodes.length) themes.push({ name: language === 'nb' ? 'Uten tema' : 'Without a theme', description: '', threads: [], sections: [{ description: '', threads: [], codes: orphanCodes }] });
  for (const t of themes) t.sections = t.sections.filter((s) => s.codes.length > 0 || s.threads.length > 0 || s.group !== undefined);
  const codes = themes.flatMap((t) => t.sections.flatMap((s) => s.codes));
  return {
    title: (language === 'nb' ? 'Temarapport' : 'Theme report') + (codebook.title ? ` – ${codebook.title}` : ''),
    language,
    themes,
    passageThreads: open.filter((t) => !('item' in t.on)),
    totals: { themes: themes.length, codes: codes.length, segments: codes.reduce((n, c) => n + c.codings, 0), openThreads: open.length },
  };
}

function countBy(values: string[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
