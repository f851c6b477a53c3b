// Transcript import: .vtt (Teams, Zoom), .srt, .docx, .txt and .md → transcript Markdown in
// the format of DESIGN.md, plus the speakers found. Pure: bytes in, text out; the caller writes.
import {
  DEFAULT_INTERVIEWERS,
  DEFAULT_MAX_BYTES,
  decodeText,
  ImportError,
  type ImportOptions,
  type ImportResult as WrittenTranscript,
  type ParsedSource,
} from './common';
import { labelKey } from '../parse/turnGrammar';
import * as l10n from '../text/l10n';
import { writeTranscript } from './writer';
import { parseDocx } from './docx';
import { parseSrtCues } from './srt';
import { parseTextTranscript } from './text';
import { cuesToSource, decodeVtt, parseVtt } from './vtt';

export { ImportError, LayoutChoiceError } from './common';
export type { ImportOptions, ImportedSpeaker, Language } from './common';

export interface ImportResult extends WrittenTranscript {
  /** What was read differently from the file's letter (cues left out or moved), each naming file and line. */
  warnings: string[];
  /**
   * Set when the file names no speaker at all (captions of a lecture, YouTube): the label its
   * text went under ("Ukjent"/"Unknown" after the project's language, or what the speaker
   * mapping named it). The mapping step offers to name it or keep it for splitting by hand.
   */
  unnamedSpeaker?: string;
}
export { isLayoutId, LAYOUT_NAMES, TEXT_LAYOUTS, type LayoutId } from './layouts';

export const IMPORT_EXTENSIONS = ['.vtt', '.srt', '.docx', '.txt', '.md'] as const;

export function isImportable(fileName: string): boolean {
  return (IMPORT_EXTENSIONS as readonly string[]).includes(extensionOf(fileName));
}

function extensionOf(fileName: string): string {
  const m = /\.[^./\\]+$/.exec(fileName);
  return m ? m[0].toLowerCase() : '';
}

/** The transcript file name an import writes: the source's base name with .md. */
export function transcriptFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.[^.]+$/, '') + '.md';
}

/**
 * Converts one file. Throws ImportError (message starts with the file name) for empty, binary,
 * oversized or invalid UTF-8 input, a .vtt without its WEBVTT header, a .docx that is not a
 * Word document, and input without any speaker turn.
 */
export async function importTranscript(fileName: string, bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const ext = extensionOf(fileName);
  const known = new Set(
    [...DEFAULT_INTERVIEWERS, ...(options.interviewers ?? []), ...Object.keys(options.speakers ?? {})].map(labelKey),
  );
  const unknown = options.language === 'en' ? 'Unknown' : 'Ukjent';
  // A file without speakers: a mapping of the unknown label ("Ukjent=R4") names its one speaker.
  // The label itself is used for the cues (rather than mapped in writeTranscript, where
  // "Ukjent" is a group label) so that the named speaker is an informant like any other.
  const unknownKey = labelKey(unknown);
  const named = Object.entries(options.speakers ?? {}).find(([from]) => labelKey(from) === unknownKey);
  const unnamedLabel = named ? named[1].trim() || unknown : unknown;
  const writeOptions: ImportOptions = named ? { ...options, speakers: Object.fromEntries(Object.entries(options.speakers!).filter(([from]) => labelKey(from) !== unknownKey)) } : options;
  let parsed: ParsedSource;
  let warnings: string[] = [];
  switch (ext) {
    case '.vtt': {
      const vtt = parseVtt(fileName, decodeVtt(fileName, bytes, maxBytes));
      warnings = vtt.warnings;
      parsed = cuesToSource(vtt.cues, unnamedLabel);
      parsed.layout = 'webvtt';
      break;
    }
    case '.srt':
      parsed = cuesToSource(parseSrtCues(fileName, decodeText(fileName, bytes, maxBytes)), unnamedLabel);
      parsed.layout = 'srt';
      break;
    case '.docx':
      parsed = await parseDocx(fileName, bytes, maxBytes, known, { layout: options.layout, unknownLabel: unknown });
      break;
    case '.txt':
    case '.md':
    case '.markdown':
      parsed = parseTextTranscript(fileName, decodeText(fileName, bytes, maxBytes), known, { layout: options.layout, unknownLabel: unknown });
      break;
    default:
      throw new ImportError(
        fileName,
        ext
          ? l10n.t('cannot be imported: "{0}" is not a transcript format (use {1})', ext, IMPORT_EXTENSIONS.join(', '))
          : l10n.t('cannot be imported: files without an extension are not a transcript format (use {0})', IMPORT_EXTENSIONS.join(', ')),
      );
  }
  const written = writeTranscript(fileName, parsed, writeOptions);
  const turns = parsed.blocks.filter((b) => b.kind === 'turn');
  const unnamed = (ext === '.vtt' || ext === '.srt') && turns.length > 0 && turns.every((b) => b.speaker === unnamedLabel);
  return { ...written, warnings, ...(unnamed ? { unnamedSpeaker: unnamedLabel } : {}) };
}
