// Plain text and Markdown transcripts (and the text of Word documents, docx.ts): the layout is
// recognised from the file (layouts.ts) — `Label: text` turns in the project's turn grammar
// (core/parse/turnGrammar.ts), or one of the layouts transcription tools write. Whatever comes before
// the first turn (a title, "Dato: …" lines, a transcription key) is kept as a header;
// paragraphs that are not turns (headings, notes) are kept as they are, in their own paragraph.
import * as l10n from '../text/l10n';
import { ImportError, LayoutChoiceError, splitFrontmatter, type ParsedSource } from './common';
import { detectLayout, LAYOUT_NAMES, parseLayout, TEXT_LAYOUTS, type Fail, type LayoutId } from './layouts';

export interface Paragraph {
  /** Markdown text of the paragraph (line breaks inside kept). */
  text: string;
  /** A heading, table or list: never a turn. */
  structural?: boolean;
}

export interface LayoutOptions {
  /** The layout to read; recognised from the file when undefined. */
  layout?: LayoutId;
  /** The label of turns whose speaker nobody named ("Ukjent"). */
  unknownLabel: string;
}

/**
 * Reads a body (LF line ends) in its layout. Throws, naming the file, when the layout cannot be
 * told (two fit, or none and there is no speaker label), and when a line of the recognised
 * layout is broken (via `fail`, which knows whether to say line or paragraph).
 */
export function bodyToSource(fileName: string, body: string, knownLabels: ReadonlySet<string>, options: LayoutOptions, fail: Fail): ParsedSource {
  let layout = options.layout;
  if (layout === undefined) {
    const found = detectLayout(body, knownLabels);
    if (found.layout === undefined && found.candidates.length > 1) {
      throw new LayoutChoiceError(
        fileName,
        l10n.t(
          'could be read in more than one layout: {0}; choose one with --layout {1}',
          found.candidates.map((c) => `${c} (${l10n.t(LAYOUT_NAMES[c])})`).join(l10n.t(' or ')),
          found.candidates.join('|'),
        ),
      );
    }
    if (found.layout === undefined) {
      throw new LayoutChoiceError(
        fileName,
        l10n.t(
          'has no speaker turns: no layout recognised (expected paragraphs or lines that start with a label such as "Intervjuer:", or a layout of Teams, Zoom, Otter, f4transkript, noScribe or Whisper); if it has no speaker labels at all, choose the layout: --layout unlabelled (one of {0})',
          TEXT_LAYOUTS.join(', '),
        ),
      );
    }
    layout = found.layout;
  }
  const parsed = parseLayout(body, layout, knownLabels, options.unknownLabel, fail, options.layout !== undefined);
  parsed.layout = layout;
  return parsed;
}

/** A .txt or .md transcript (decoded, LF line endings). */
export function parseTextTranscript(fileName: string, text: string, knownLabels: ReadonlySet<string>, options: LayoutOptions): ParsedSource {
  const { frontmatter, body, bodyLine } = splitFrontmatter(fileName, text);
  const fail: Fail = (line, detail) => {
    throw new ImportError(fileName, detail, bodyLine + line);
  };
  const parsed = bodyToSource(fileName, body, knownLabels, options, fail);
  if (frontmatter) {
    parsed.frontmatter = frontmatter;
    // A title line in the body is not needed when the frontmatter has one.
    if (typeof frontmatter.get('title') === 'string') parsed.title = undefined;
    const date = frontmatter.get('date');
    if (typeof date === 'string') parsed.date = undefined;
  }
  return parsed;
}

/** Word paragraphs as one body, each paragraph its own block; errors name the paragraph. */
export function paragraphsToSource(fileName: string, paragraphs: Paragraph[], knownLabels: ReadonlySet<string>, options: LayoutOptions): ParsedSource {
  const firstLines: number[] = [];
  let line = 0;
  const texts: string[] = [];
  for (const p of paragraphs) {
    firstLines.push(line);
    texts.push(p.text);
    line += p.text.split('\n').length + 1;
  }
  const fail: Fail = (at, detail) => {
    let k = 0;
    while (k + 1 < firstLines.length && firstLines[k + 1]! <= at) k++;
    throw new ImportError(fileName, l10n.t('paragraph {0}: {1}', k + 1, detail));
  };
  return bodyToSource(fileName, texts.join('\n\n'), knownLabels, options, fail);
}
