// The one rule code and category names are compared by, shared by the server and the extension
// (client/src imports this file directly: it must stay tiny and import nothing).

/** A typed name as it is written into the codebook: inner whitespace collapsed to single spaces, trimmed. */
export function tidyName(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Code names compare after Unicode NFC, case folding and collapsed whitespace (DESIGN.md). */
export function normalizeName(name: string): string {
  // Memoised: the index asks for the same few hundred code names hundreds of thousands of
  // times (every coding's code, every count, every diagnostic pass).
  let key = normalizedNames.get(name);
  if (key === undefined) {
    key = name.normalize('NFC').toLocaleLowerCase('und').replace(/\s+/g, ' ').trim();
    if (normalizedNames.size >= 20000) normalizedNames.clear();
    normalizedNames.set(name, key);
  }
  return key;
}
const normalizedNames = new Map<string, string>();
