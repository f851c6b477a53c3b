// Hostile and huge WebVTT files finish quickly with a transcript or one clear error (issue 21:
// "nothing crashes or hangs"). Each case is built here. The bounds are generous for a loaded CI
// machine; a quadratic reading of any case (e.g. "<v " never closed) takes minutes.
import { strict as assert } from 'node:assert';
import { importTranscript, ImportError } from '../../server/src/core/import/index';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function timed(name: string, text: string): Promise<{ ms: number; result?: Awaited<ReturnType<typeof importTranscript>>; error?: ImportError }> {
  const t0 = performance.now();
  try {
    const result = await importTranscript(name, enc(text));
    return { ms: performance.now() - t0, result };
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    return { ms: performance.now() - t0, error: e };
  }
}

describe('import: hostile and huge WebVTT files', function () {
  this.timeout(60000);
  const cue = '00:00:01.000 --> 00:00:02.000\n';
  const cases: Array<[string, string]> = [
    ['unclosed voice tags', `WEBVTT\n\n${cue}${'<v '.repeat(75_000)}\n`],
    ['unclosed tags', `WEBVTT\n\n${cue}${'<'.repeat(250_000)}x\n`],
    ['one long line of text', `WEBVTT\n\n${cue}${'ord '.repeat(250_000)}\n`],
    ['a huge cue of repeated lines', `WEBVTT\n\n${cue}${'samme linje\n'.repeat(50_000)}\n${cue}${'samme linje\n'.repeat(50_000)}`],
    ['many "Name:" prefixes', `WEBVTT\n\n${Array.from({ length: 12_500 }, (_, k) => `00:00:${String(k % 60).padStart(2, '0')}.000 --> 00:00:59.000\nNavn ${k % 7}: ${'a: '.repeat(20)}`).join('\n\n')}\n`],
    ['only arrows', `WEBVTT\n\n${'-->\n'.repeat(125_000)}`],
    ['timestamps full of digits', `WEBVTT\n\n${'0'.repeat(250_000)}:00.000 --> 00:01.000\nx\n`],
  ];
  for (const [what, text] of cases) {
    it(`${what}: a transcript or one clear error in under 15 s`, async () => {
      const r = await timed('hostile.vtt', text);
      assert.ok(r.result || r.error!.message.startsWith('hostile.vtt'), 'an answer');
      assert.ok(r.ms < 15000, `took ${Math.round(r.ms)} ms`);
    });
  }

  it('a 6 MB Teams-style file imports every cue', async () => {
    const n = 50_000;
    const parts = ['WEBVTT', ''];
    for (let k = 0; k < n; k++) {
      const s = k * 2;
      const ts = (x: number) => `${String(Math.floor(x / 3600)).padStart(2, '0')}:${String(Math.floor((x % 3600) / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}.000`;
      parts.push(`id-${k}`, `${ts(s)} --> ${ts(s + 2)}`, `<v ${k % 2 ? 'R1' : 'Intervjuer'}>Setning nummer ${k} med noen flere ord for lengde og vekt i filen.</v>`, '');
    }
    const text = parts.join('\n');
    const r = await timed('stor.vtt', text);
    assert.ok(r.result, r.error?.message);
    assert.equal(r.result.turns, n);
    assert.ok(r.ms < 30000, `took ${Math.round(r.ms)} ms`);
    console.log(`      ${(text.length / 1e6).toFixed(1)} MB, ${n} cues: ${Math.round(r.ms)} ms`);
  });
});
