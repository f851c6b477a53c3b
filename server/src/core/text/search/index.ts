// Text search: the generic string algorithms of the project, in one place. Nothing here knows
// of codings, transcripts or the project; anchoring (re-anchoring after outside changes) and
// the codebook checks build on it.
//   lines.ts     offsets of an old text mapped into a new one: line pairing, then a character
//                diff (Myers' O(ND)) inside changed stretches
//   qgram.ts     a q-gram index: exact occurrences without a scan, regions of likely
//                approximate matches
//   distance.ts  the one Levenshtein distance, and approximate matching (Myers' bit-parallel)
// Offsets are UTF-16 code units, end exclusive.
export { LineMap, RegionDiff, lastAtOrBefore, lineStarts, myersRuns } from './lines';
export { QGramIndex } from './qgram';
export { approximateMatches, levenshtein, type ApproximateMatch, type EditUnit } from './distance';
