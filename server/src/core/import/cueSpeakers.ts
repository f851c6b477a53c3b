// "Name: text" speakers in caption cues that have no voice tag (Zoom, subtitle tools).
//
// A cue that starts with "Something:" is a speaker's turn only when "Something" looks like a
// speaker across the file, never because of one cue: lectures and YouTube captions say
// "Example: …", "Welcome back. Today's topic: …", and taking those as speakers would move the
// words out of the text. When in doubt the words stay in the text (the import's speaker mapping
// step can still name the unknown speaker). Kept apart from the turn grammar of plain-text
// transcripts (core/parse/turnGrammar.ts), which reads paragraphs, not cues.

/** Lower-case words that may stand inside a name ("Ola de Vries", "Anne van der Berg"). */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'da', 'di', 'du', 'la', 'le', 'af', 'av', 'til', 'bin', 'al', 'y']);

/**
 * Lead-ins of lectures, slides and notes that are written like a label but are not a speaker
 * (English and Norwegian). Compared with the label's first word, lower-cased.
 */
const NOT_SPEAKERS = new Set([
  'example', 'examples', 'e.g.', 'note', 'notes', 'nb', 'ps', 'tip', 'tips', 'hint', 'warning', 'caution', 'important', 'remember',
  'definition', 'summary', 'topic', 'agenda', 'step', 'part', 'chapter', 'section', 'slide', 'exercise', 'task', 'solution', 'rule',
  'theorem', 'proof', 'lemma', 'goal', 'aim', 'source', 'reference', 'link', 'url', 'date', 'time', 'location', 'title', 'subject',
  'update', 'edit', 'translation', 'music', 'applause', 'today', 'now', 'so', 'well', 'but', 'and', 'or', 'then', 'first', 'second',
  'finally', 'also', 'yes', 'no', 'ok', 'okay', 'the', 'a', 'an', 'this', 'that', 'here', 'there', 'what', 'why', 'how', 'when', 'where',
  'eksempel', 'eksempler', 'merk', 'obs', 'advarsel', 'viktig', 'husk', 'definisjon', 'oppsummering', 'tema', 'steg', 'del', 'kapittel',
  'seksjon', 'lysbilde', 'oppgave', 'løsning', 'regel', 'mål', 'kilde', 'referanse', 'lenke', 'dato', 'tid', 'sted', 'tittel', 'emne',
  'oversettelse', 'musikk', 'applaus', 'i dag', 'nå', 'så', 'men', 'og', 'eller', 'da', 'først', 'til slutt', 'også', 'ja', 'nei', 'hva', 'hvorfor', 'hvordan', 'når', 'hvor',
]);

/** Interviewer labels that are speakers even when they are the only label (answers unlabelled). */
const INTERVIEWER_LABELS = new Set(['intervjuer', 'intervjuar', 'interviewer', 'moderator', 'i', 'q', 'spørsmål', 'question']);

/** An informant code or numbered role (lower-cased): "fl3", "r 2", "informant a", "speaker 1", "deltaker 4". */
const CODE = /^(?:\p{L}{1,3} ?\d{1,3}|(?:informant|respondent|deltaker|participant|speaker|person|taler) (?:\d{1,3}|\p{L}))$/u;

const DIARISATION = /^(?:SPEAKER_\d{1,3}|S\d{2,3})$/;

const WORD = /^[\p{Lu}\p{N}][\p{L}\p{M}\p{N}'’-]*\.?$/u;

/** The label of a "Label: text" cue when the label is written like a name or a code, else undefined. */
export function nameLikePrefix(text: string): { name: string; rest: string } | undefined {
  const m = /^([^:\n]{1,40}):[ \t]+(?=\S)/.exec(text);
  if (!m) return undefined;
  const name = m[1]!.trim();
  if (name !== m[1] || /\s{2,}/.test(name)) return undefined;
  // Diarisation labels of Whisper-based tools and noScribe (issue 22): speakers by construction.
  if (DIARISATION.test(name)) return { name, rest: text.slice(m[0].length).trim() };
  const words = name.split(' ');
  if (words.length > 4 || !/\p{L}/u.test(name)) return undefined;
  const ok = words.every((w, i) => {
    if (PARTICLES.has(w)) return i > 0 && i < words.length - 1;
    if (!WORD.test(w)) return false;
    // A full stop only after an initial or a title ("K.", "Dr."), never after a sentence.
    return !w.endsWith('.') || (i < words.length - 1 && w.length <= 4);
  });
  if (!ok) return undefined;
  if (NOT_SPEAKERS.has(words[0]!.toLocaleLowerCase('nb')) || NOT_SPEAKERS.has(name.toLocaleLowerCase('nb'))) return undefined;
  return { name, rest: text.slice(m[0].length).trim() };
}

const key = (s: string): string => s.normalize('NFC').toLocaleLowerCase('nb');

/**
 * Decides from all cue texts (without voice tags) which "Name:" prefixes are speakers and returns
 * the reader for one cue. A prefix is a speaker when it is name-like and
 * - (nearly) every cue, four in five or more, starts with a name-like label: Zoom writes them so; or
 * - it recurs (two cues or more) and another name-like label recurs too: turns of two speakers; or
 * - it recurs and is an interviewer label ("Intervjuer:", "Q:") whose answers are unlabelled;
 * and once one of those holds, informant codes and interviewer labels that start a single cue.
 */
export function speakerPrefixes(texts: readonly string[]): (text: string) => { name: string; rest: string } | undefined {
  const counts = new Map<string, number>();
  let labelled = 0;
  for (const t of texts) {
    const p = nameLikePrefix(t);
    if (!p) continue;
    labelled++;
    counts.set(key(p.name), (counts.get(key(p.name)) ?? 0) + 1);
  }
  const allLabelled = texts.length > 0 && labelled * 5 >= texts.length * 4;
  const recurring = [...counts].filter(([, n]) => n >= 2).map(([k]) => k);
  const accepted = new Set<string>();
  if (allLabelled) for (const k of counts.keys()) accepted.add(k);
  else if (recurring.length >= 2) for (const k of recurring) accepted.add(k);
  else for (const k of recurring) if (INTERVIEWER_LABELS.has(k)) accepted.add(k);
  // Once the file has speaker labels, an informant code or interviewer label is one even if it
  // starts a single cue ("FL3:" answering between two "Intervjuer:" questions).
  if (accepted.size > 0) for (const k of counts.keys()) if (CODE.test(k) || INTERVIEWER_LABELS.has(k)) accepted.add(k);
  return (text) => {
    const p = nameLikePrefix(text);
    return p && accepted.has(key(p.name)) ? p : undefined;
  };
}
