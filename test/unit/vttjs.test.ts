// The WebVTT test files of mozilla/vtt.js (Apache-2.0), read from ../shared/peer/vttjs-tests at
// test time, each imported with `importTranscript` and compared with the cues vtt.js's parser
// reads from it: a file where vtt.js reads cues imports with exactly those cue texts, in order
// (tags removed up to the next ">", entities decoded, direction marks kept, whitespace collapsed),
// and nothing else; a file where it reads none gets one clear error. Nothing crashes or hangs.
// Where we read a file differently on purpose, DIFFERENT names it and says why.
//
// QDA_VTTJS_REPORT=1 npx mocha out/test/unit/vttjs.test.js prints the count of each class.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importTranscript, ImportError } from '../../server/src/core/import/index';

const SUITE = [resolve('../shared/peer/vttjs-tests'), '/work/shared/peer/vttjs-tests'].find((p) => existsSync(join(p, 'manifest.json')));

type Class = 'exact' | 'refused-but-cues' | 'wrong-text' | 'text-where-none' | 'cueless-wrong-message' | 'cueless-clear-error' | 'crash';

/** The text a reader sees of one vtt.js cue: its DOM text (vtt.js's parseContent), whitespace collapsed. */
function vttjsText(raw: string): string {
  const ESC: Record<string, string> = { amp: '&', lt: '<', gt: '>', lrm: '\u200e', rlm: '\u200f', nbsp: '\u00a0' };
  return raw
    .split(/(<[^>]*>?)/)
    .filter((piece) => !piece.startsWith('<'))
    .map((t) => t.replace(/&(amp|lt|gt|lrm|rlm|nbsp);/g, (_all, e: string) => ESC[e]!))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Turn texts of the transcript Markdown (label and timestamp removed), whitespace collapsed. */
function turnTexts(md: string): string[] {
  const body = md.replace(/^---\n[\s\S]*?\n---\n/, '');
  return body
    .trimEnd()
    .split(/\n\n/)
    .map((p) => {
      const m = /^\*\*[^*\n]+:\*\*(?: \[\d{2,}:\d\d:\d\d\])?(?: ([\s\S]*))?$/.exec(p);
      return m ? (m[1] ?? '') : `[not a turn: ${p}]`;
    });
}

interface Outcome {
  cls: Class;
  detail: string;
}

async function classify(file: string, expected: string[] | undefined): Promise<Outcome> {
  const bytes = readFileSync(join(SUITE!, 'tests', file));
  const want = (expected ?? []).map(vttjsText).filter((t) => t !== '');
  const wantText = want.join(' ');
  try {
    const r = await importTranscript(file, bytes, { language: 'en' });
    const got = turnTexts(r.markdown).join(' ').replace(/\s+/g, ' ').trim();
    if (want.length === 0) return { cls: 'text-where-none', detail: JSON.stringify(got) };
    return got === wantText ? { cls: 'exact', detail: '' } : { cls: 'wrong-text', detail: `got ${JSON.stringify(got)}, vtt.js ${JSON.stringify(wantText)}` };
  } catch (e) {
    if (!(e instanceof ImportError)) return { cls: 'crash', detail: String((e as Error)?.stack ?? e) };
    if (want.length > 0) return { cls: 'refused-but-cues', detail: e.message };
    return /: (has no cues|is not a WebVTT file|is empty)\b/.test(e.message) ? { cls: 'cueless-clear-error', detail: e.message } : { cls: 'cueless-wrong-message', detail: e.message };
  }
}

/**
 * Files we read differently from vtt.js on purpose, with the class we give them and why. Every
 * other file must be 'exact' (vtt.js reads cues) or 'cueless-clear-error' (it reads none).
 */
const DIFFERENT: Record<string, { cls: Class; why: string }> = {
  'cue-times/fraction-digits.vtt': {
    cls: 'text-where-none',
    why: 'a timestamp with two fraction digits ("00:00.00") is read, as hand-edited and SRT-converted files write them; vtt.js drops the cue',
  },
  'file-layout/header-no-new-line.vtt': {
    cls: 'text-where-none',
    why: 'a cue right after the WEBVTT line, without a blank line, is read, as the current WebVTT spec reads it; vtt.js takes it for header',
  },
  'cuetext/format/double-line-break.vtt': {
    cls: 'wrong-text',
    why: 'text after a blank line inside a cue is kept with that cue (with a warning naming the line); vtt.js drops the words',
  },
};

describe('import: the vtt.js WebVTT test suite (../shared/peer/vttjs-tests)', function () {
  if (!SUITE) {
    it('needs ../shared/peer/vttjs-tests beside the clone', () => assert.fail('../shared/peer/vttjs-tests not found'));
    return;
  }
  const manifest = JSON.parse(readFileSync(join(SUITE, 'manifest.json'), 'utf8')) as Record<string, { json: string | null }>;
  const cuesOf = (json: string | null): string[] | undefined =>
    json === null ? undefined : (JSON.parse(readFileSync(join(SUITE, 'tests', json), 'utf8')) as { cues: { text: string }[] }).cues.map((c) => c.text);
  const files = Object.keys(manifest).sort();

  it('has all 267 files of the suite', () => assert.equal(files.length, 267));

  if (process.env.QDA_VTTJS_REPORT) {
    it('report', async () => {
      const counts: Record<string, number> = {};
      for (const f of files) {
        const o = await classify(f, cuesOf(manifest[f]!.json));
        counts[o.cls] = (counts[o.cls] ?? 0) + 1;
        if (o.cls !== 'exact' && o.cls !== 'cueless-clear-error') console.log(`${o.cls}\t${f}\t${o.detail.slice(0, 300)}`);
      }
      console.log(counts);
    });
  }

  for (const f of files) {
    const cues = cuesOf(manifest[f]!.json);
    const reads = (cues ?? []).some((c) => vttjsText(c) !== '');
    const diff = DIFFERENT[f];
    const title = diff ? `${f}: ${diff.cls} on purpose (${diff.why})` : reads ? `${f}: imports with vtt.js's ${cues!.length} cue text(s)` : `${f}: no cues, one clear error`;
    it(title, async () => {
      const o = await classify(f, cues);
      assert.equal(o.cls, diff ? diff.cls : reads ? 'exact' : 'cueless-clear-error', o.detail);
    });
  }
});
