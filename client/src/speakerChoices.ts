// Which choices the import's speaker mapping step offers for one speaker, apart from the words
// (importCommand.ts gives each its translated label). Pure, so it is tested without VS Code.

export type SpeakerAction = 'code' | 'keep' | 'interviewer' | 'type' | 'split';

export interface SpeakerChoice {
  action: SpeakerAction;
  /** For 'code': the informant code. */
  code?: string;
  /** For 'code': where it comes from. */
  why?: 'known' | 'next';
}

export interface SpeakerToMap {
  source: string;
  /** The one unknown speaker of a caption file that names nobody ("Ukjent"/"Unknown"). */
  unnamed?: boolean;
}

/**
 * A named speaker: the identifiers file's code, the next free codes, keep the name, interviewer,
 * or type a code. The unnamed speaker of a caption file: name it (a next free code, interviewer,
 * or a typed code: all its text goes to that one speaker, as in a lecture) or keep the label on
 * every paragraph to split it among speakers by hand in the editor.
 */
export function speakerChoices(s: SpeakerToMap, o: { known?: string; isCode: boolean; suggestions: readonly string[] }): SpeakerChoice[] {
  const out: SpeakerChoice[] = [];
  if (s.unnamed) {
    for (const c of o.suggestions) out.push({ action: 'code', code: c, why: 'next' });
    out.push({ action: 'interviewer' }, { action: 'type' }, { action: 'split' });
    return out;
  }
  if (o.known) out.push({ action: 'code', code: o.known, why: 'known' });
  if (o.isCode && !o.known) out.push({ action: 'keep' });
  for (const c of o.suggestions) if (c !== o.known) out.push({ action: 'code', code: c, why: 'next' });
  if (!o.isCode || o.known) out.push({ action: 'keep' });
  out.push({ action: 'interviewer' }, { action: 'type' });
  return out;
}
