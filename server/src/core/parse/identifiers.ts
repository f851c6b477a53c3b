// The identifiers file (.qda/identifiers.yaml by default): real names → pseudonyms, a flat
// YAML mapping that is never committed.
//
//   # Real names and the codes that replace them. Never commit this file.
//   Kari Nordmann: R2
//   Ingrid Haugland: Intervjuer
import { isMap, parseDocument } from 'yaml';
import { ImportError } from '../model/errors';
import * as l10n from '../text/l10n';
import { yamlReason } from './yamlError';

const HEADER = '# Real names and the codes that replace them in transcripts. Never commit this file (it is in .gitignore).\n';

/** Reads the mapping; throws ImportError naming the file (and line) when it does not parse. */
export function parseIdentifiers(path: string, text: string | undefined): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new ImportError(path, l10n.t('does not parse: {0}', yamlReason(err)), err.linePos?.[0]?.line);
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) throw new ImportError(path, l10n.t('must be a mapping of real names to codes ("Kari Nordmann: R2")'), 1);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.toJS() as Record<string, unknown>)) {
    if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

/**
 * Adds entries to the identifiers file's text, keeping its comments and order; an entry for a
 * name already present is replaced. Returns the new text and the names whose code changed.
 */
export function mergeIdentifiers(
  path: string,
  text: string | undefined,
  entries: Record<string, string>,
): { text: string; changed: { name: string; from: string; to: string }[] } {
  const existing = parseIdentifiers(path, text);
  const doc = parseDocument(text && text.trim() !== '' ? text : HEADER);
  if (doc.contents === null || !isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const changed: { name: string; from: string; to: string }[] = [];
  for (const [name, code] of Object.entries(entries)) {
    const before = existing[name];
    if (before !== undefined && before !== code) changed.push({ name, from: before, to: code });
    doc.set(name, code);
  }
  return { text: doc.toString({ lineWidth: 0 }), changed };
}

/** .gitignore text with `entry` added (undefined when it is already ignored by that exact line). */
export function gitignoreWith(text: string | undefined, entry: string): string | undefined {
  const lines = (text ?? '').split(/\r?\n/).map((l) => l.trim());
  if (lines.includes(entry) || lines.includes('/' + entry)) return undefined;
  const base = text === undefined || text === '' ? '' : text.endsWith('\n') ? text : text + '\n';
  return `${base}${entry}\n`;
}
