// The domain model shared by every core module. Offsets are UTF-16 code units into a
// file's text, end exclusive, as VS Code and LSP count them.

export interface OffsetRange {
  start: number;
  end: number;
}

/** One line of a codings file (.qda/codings/<coder>/<transcript>.jsonl). Unknown keys are kept in `extra`. */
export interface Coding {
  id: string;
  doc: string;
  start: number;
  end: number;
  code: string;
  exact: string;
  prefix: string;
  suffix: string;
  coder: string;
  at: string;
  /** Keys this version does not know, written back unchanged. */
  extra?: Record<string, unknown>;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A domain diagnostic; converted to LSP (line/character) only at the server's edge. */
export interface QdaDiagnostic {
  path: string;
  range: OffsetRange;
  severity: Severity;
  /** Stable code such as qda.unresolvedLink, for quick fixes, settings and the CLI. */
  code: string;
  message: string;
  /** Extra data quick fixes need (e.g. the coding id). */
  data?: Record<string, unknown>;
}

export interface SpeakerTurn {
  label: string;
  /** Offset of the paragraph start (the label's first character, or `**`). */
  start: number;
  /** Offset just after the paragraph's last character. */
  end: number;
  /** Offset where the spoken text starts (after label and timestamp). */
  textStart: number;
  /** "hh:mm:ss" when the turn has a timestamp. */
  timestamp?: string;
  words: number;
}

export interface Transcript {
  path: string;
  title: string;
  frontmatter: Record<string, unknown>;
  /** Offset where the body starts (after the frontmatter). */
  bodyStart: number;
  turns: SpeakerTurn[];
  words: number;
  /** Labels of turns that are informants (not interviewers). */
  informants: string[];
}

export interface CodebookCode {
  name: string;
  description: string;
  /** Range of the name inside the bold text (without the ** markers). */
  nameRange: OffsetRange;
  /** Range of the whole list item. */
  range: OffsetRange;
  /** Names of the categories from the top heading down. */
  categoryPath: string[];
  parentCode?: string;
  children: string[];
  /** Link targets ([[...]]) written in the description. */
  line: number;
}

export interface CodebookCategory {
  name: string;
  level: number;
  description: string;
  nameRange: OffsetRange;
  /** From the heading to the next heading of the same or a higher level. */
  range: OffsetRange;
  path: string[];
  line: number;
}

export interface Codebook {
  path: string;
  title?: string;
  categories: CodebookCategory[];
  codes: CodebookCode[];
  /** The category new codes go under ("Ukategorisert" / "Uncategorised"). */
  uncategorisedName?: string;
}
