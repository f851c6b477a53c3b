// Transcript import: .vtt (Teams, Zoom), .srt, .docx, .txt and .md → transcript Markdown in
// the format of DESIGN.md, plus the speakers found. Pure: bytes in, text out; the caller writes.
import {
  DEFAULT_INTERVIEWERS,
  DEFAULT_MAX_BYTES,
  decodeText,
  ImportError,
  labelKey,
  writeTranscript,
  type ImportOptions,
  type ImportResult,
  type ParsedSource,
} from './common';
import { parseDocx } from './docx';
import { parseSrtCues } from './srt';
import { parseTextTranscript } from './text';
import { cuesToSource, parseVttCues } from './vtt';

export { ImportError } from './common';
export type { ImportOptions, ImportResult, ImportedSpeaker, Language } from './common';
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
  let parsed: ParsedSource;
  switch (ext) {
    case '.vtt':
      parsed = cuesToSource(parseVttCues(fileName, decodeText(fileName, bytes, maxBytes)), unknown);
      parsed.layout = 'webvtt';
      break;
    case '.srt':
      parsed = cuesToSource(parseSrtCues(fileName, decodeText(fileName, bytes, maxBytes)), unknown);
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
      throw new ImportError(fileName, `cannot be imported: ${ext ? `"${ext}" is` : 'files without an extension are'} not a transcript format (use ${IMPORT_EXTENSIONS.join(', ')})`);
  }
  return writeTranscript(fileName, parsed, options);
}
