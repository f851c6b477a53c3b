// Whether a speaker label already is an informant code (a tiny module: the extension bundle
// uses it too, without the YAML parser core/ops/informants.ts needs).
/**
 * A speaker label that already is an informant code (FL1, R2, P 3, Informant A, or a code the
 * project has) rather than a real name: mapping it to another code is renaming a code, and the
 * old code is no name to keep out of the texts.
 */
export function looksLikeInformantCode(label: string, informants: readonly string[]): boolean {
  const l = label.trim().toLowerCase();
  return informants.some((c) => c.toLowerCase() === l) || /^\p{Lu}{1,3} ?\d{1,3}$/u.test(label.trim()) || /^Informant [A-Z0-9]+$/i.test(label.trim());
}
