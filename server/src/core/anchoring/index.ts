// Anchoring: keeps every coding attached to its passage while the transcript changes.
//
// Two situations, two tools:
// - Live edits in the editor (LSP incremental didChange): `LiveAnchors` shifts the codings of
//   one document on every change, remembers what a destructive change removed so that the
//   Undo of it puts codings back exactly, and refreshes the W3C TextQuoteSelectors.
// - Outside changes (git, another editor, a script): `reanchor` places each coding again:
//   by its offsets, then (when the old text is known) through a line mapping of old to new,
//   then by its exact text with context nearest the expected position, then fuzzily
//   (approx-string-match, bounded error), else it is kept as an orphan. Never dropped.
//
// Pure TypeScript: no vscode, no LSP. Offsets are UTF-16 code units, end exclusive.
//
// The modules, each importing only those above it:
//   selector.ts  the W3C-style selector of a passage (offsets + exact text + context)
//   shift.ts     the live-edit rules: where one change moves a coded range
//   live.ts      LiveAnchors: the codings of an open document, shifted on every change
//   reanchor.ts  re-anchoring after outside changes (on core/text/search)
// Callers outside anchoring import from this index.
export { CONTEXT_LENGTH, makeQuoteSelector, type QuoteSelector } from './selector';
export { mapCodingRange, shiftCodings, type MappedRange, type TextChange } from './shift';
export { LiveAnchors, type LiveChangeSummary } from './live';
export { reanchor, type AnchorStatus, type ReanchorOptions, type ReanchorResult } from './reanchor';
