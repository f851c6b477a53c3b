// SubRip (.srt) subtitles, as subtitle tools and some meeting recorders export them. Speakers
// come from "Name: " prefixes when present (see cuesWithSpeakers in vtt.ts).
import { parseClock } from '../parse/turnGrammar';
import * as l10n from '../text/l10n';
import { ImportError, lineBlocks } from './common';
import { cuesWithSpeakers, truncate, type Cue, type RawCue } from './vtt';

/** Parses SRT (numbered blocks, "00:00:01,000 --> 00:00:04,000", text lines). */
export function parseSrtCues(fileName: string, text: string): Cue[] {
  const lines = text.split('\n');
  const raw: RawCue[] = [];
  for (const { start: blockStart, block } of lineBlocks(lines)) {
    let t = 0;
    if (/^\d+$/.test(block[0]!.trim())) t = 1;
    const timing = block[t];
    if (timing === undefined || !timing.includes('-->')) {
      if (raw.length > 0 && !block.some((l) => l.includes('-->'))) {
        // A blank line inside a subtitle's text: keep the words with the previous cue.
        raw[raw.length - 1]!.payload.push(...block);
        continue;
      }
      throw new ImportError(fileName, l10n.t('expected a subtitle number and a timing line "00:00:01,000 --> 00:00:04,000", found "{0}"', truncate(block[t] ?? block[0]!)), blockStart + t + 1);
    }
    const m = /^(\S+)[ \t]+-->[ \t]+(\S+)/.exec(timing.trim());
    const start = m ? parseClock(m[1]!) : undefined;
    const end = m ? parseClock(m[2]!) : undefined;
    if (start === undefined || end === undefined) {
      throw new ImportError(fileName, l10n.t('malformed subtitle timing "{0}" (expected hh:mm:ss,ttt --> hh:mm:ss,ttt)', truncate(timing)), blockStart + t + 1);
    }
    raw.push({ line: blockStart + t + 1, start, end, payload: block.slice(t + 1) });
  }
  if (raw.length === 0) throw new ImportError(fileName, l10n.t('has no subtitles (no "00:00:01,000 --> 00:00:04,000" timing lines)'));
  return cuesWithSpeakers(raw);
}
