// Saved queries in qda.yaml (`queries:`), written the way informant attributes are: a small
// text edit of the file that keeps its comments, its layout and every key it does not know; a
// file that does not parse is never rewritten.
import { isMap, isScalar, parseDocument } from 'yaml';
import { CONFIG_FILE, type SavedQuery } from '../parse/config';
import type { Project } from '../project/project';
import * as l10n from '../text/l10n';
import { minimalEdit, yamlScalar } from './informants';
import type { OperationResult } from './operations';
import { yamlReason } from '../parse/yamlError';

type Ranged = { range?: [number, number, number] } | null | undefined;

function keyOf(pair: { key: unknown }): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return key.value === null || key.value === undefined ? undefined : String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** The YAML value of a saved query: the query alone, or with its scope as a flow mapping. */
function valueText(saved: SavedQuery): string {
  const query = yamlScalar(saved.query);
  return saved.scope === undefined || saved.scope === 'overlap' ? query : `{ query: ${query}, scope: ${saved.scope} }`;
}

/** qda.yaml's text with the query saved under `name` (replacing one of that name). */
export function withSavedQuery(text: string | undefined, name: string, saved: SavedQuery): string {
  const src = text ?? '';
  const doc = parseDocument(src);
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new Error(line !== undefined ? l10n.t('{0}:{1} does not parse ({2}); fix it first.', CONFIG_FILE, line, yamlReason(err)) : l10n.t('{0} does not parse ({1}); fix it first.', CONFIG_FILE, yamlReason(err)));
  }
  const line = `${yamlScalar(name)}: ${valueText(saved)}`;
  const append = (): string => `${src}${src === '' || src.endsWith('\n') ? '' : '\n'}queries:\n  ${line}\n`;
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) return append();
  if (!isMap(contents)) throw new Error(l10n.t('{0} is not a mapping of settings; fix it first.', CONFIG_FILE));
  const pair = contents.items.find((p) => keyOf(p) === 'queries');
  if (!pair) return append();
  const queries = pair.value;
  if (!isMap(queries) || queries.flow) throw new Error(l10n.t("{0}: 'queries' must be a block mapping of names to queries (one per line); fix it first.", CONFIG_FILE));
  const entry = queries.items.find((p) => keyOf(p) === name);
  const range = (node: unknown): [number, number, number] | undefined => (node as Ranged)?.range ?? undefined;
  if (entry) {
    const r = range(entry.value);
    if (!r) throw new Error(l10n.t("{0}: cannot place the query '{1}'; fix the file first.", CONFIG_FILE, name));
    return src.slice(0, r[0]) + valueText(saved) + src.slice(r[1]);
  }
  // After the last entry, indented like the first.
  const first = range(queries.items[0]?.key);
  const last = queries.items[queries.items.length - 1];
  const lastRange = range(last?.value) ?? range(last?.key);
  if (!first || !lastRange) throw new Error(l10n.t("{0}: cannot place the query '{1}'; fix the file first.", CONFIG_FILE, name));
  const indent = first[0] - (src.lastIndexOf('\n', first[0] - 1) + 1);
  const eol = src.indexOf('\n', lastRange[1]);
  const at = eol === -1 ? src.length : eol + 1;
  return `${src.slice(0, at)}${eol === -1 ? '\n' : ''}${' '.repeat(indent)}${line}\n${src.slice(at)}`;
}

export function saveQuery(project: Project, name: string, saved: SavedQuery): OperationResult {
  const n = name.replace(/\s+/g, ' ').trim();
  if (!n) return { edits: [], error: l10n.t('The query needs a name.') };
  if (!saved.query.trim()) return { edits: [], error: l10n.t('The query is empty.') };
  const before = project.texts.get(CONFIG_FILE);
  let after: string;
  try {
    after = withSavedQuery(before, n, { ...saved, query: saved.query.trim() });
  } catch (err) {
    return { edits: [], error: (err as Error).message };
  }
  if (after === (before ?? '')) return { edits: [] };
  return { edits: [{ path: CONFIG_FILE, create: before === undefined, edits: [minimalEdit(before ?? '', after)] }], message: l10n.t("Saved the query '{0}' in {1}.", n, CONFIG_FILE) };
}
