// How a YAML error reads in our messages. The yaml library's message is several lines (the
// reason "… at line 4, column 3:", then an excerpt with a caret); our messages give the file and
// line themselves, so only the reason is kept, without its position and trailing colon (which
// read as "…column 3:. Using default settings.").

/** The reason of a YAML parse error, one line, without the library's own position. */
export function yamlReason(err: unknown): string {
  const first = String((err as Error)?.message ?? err).split('\n')[0] ?? '';
  return first.replace(/\s+at line \d+, column \d+:?\s*$/, '').replace(/[:.]\s*$/, '').trim();
}
