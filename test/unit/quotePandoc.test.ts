// Chapters built with pandoc keep only the visible quote: the hidden <!--qda:ID--> anchors
// are dropped and every quote's words, quote marks and informant reference survive.
// Needs pandoc (CI installs it: apt-get install -y pandoc); skipped with a message without it.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findQuotes, quoteSegments } from '../../server/src/core/checks/quotes';

const CHAPTER = path.resolve(__dirname, '../../../examples/demo-thesis/chapters/kapittel-5-funn.md');

function pandocAvailable(): boolean {
  return spawnSync('pandoc', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Words of a text with ellipsis marks kept as '…' (pandoc turns (...) into (…)). */
function wordsOf(text: string): string[] {
  return quoteSegments(text).map((seg) => seg.map((w) => w.w).join(' ')).join(' … ').split(' ');
}

function containsRun(haystack: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

describe('quotes: a chapter built with pandoc', function () {
  this.timeout(30000);
  before(function () {
    if (!pandocAvailable()) {
      console.log('    (skipped: pandoc is not installed here; CI installs it with `apt-get install -y pandoc`)');
      this.skip();
    }
  });

  for (const to of ['plain', 'docx']) {
    it(`keeps the visible quotes and drops the anchors (-t ${to})`, () => {
      const source = readFileSync(CHAPTER, 'utf8');
      const quotes = findQuotes(source);
      assert.equal(quotes.filter((q) => q.anchorId).length, 9, 'the demo chapter has 9 anchored quotes');
      let out: string;
      if (to === 'plain') out = execFileSync('pandoc', ['-f', 'markdown', '-t', 'plain', '--wrap=none', CHAPTER], { encoding: 'utf8' });
      else {
        // Word output, read back as text: what the reader of the .docx sees.
        const docx = execFileSync('pandoc', ['-f', 'markdown', '-t', 'docx', CHAPTER]);
        out = execFileSync('pandoc', ['-f', 'docx', '-t', 'plain', '--wrap=none'], { input: docx, encoding: 'utf8' });
      }
      assert.ok(!out.includes('qda:'), 'no anchor id in the built chapter');
      assert.ok(!out.includes('<!--'), 'no HTML comment in the built chapter');
      const words = wordsOf(out);
      for (const q of quotes) {
        const visible = wordsOf(`${q.text} (${q.informant})`);
        assert.ok(containsRun(words, visible), `quote kept word for word: ${q.text}`);
      }
      // The quote marks survive around the inline quotes.
      for (const q of quotes.filter((x) => x.form === 'inline')) {
        const first = q.text.split(/\s+/)[0];
        assert.ok(out.includes(`«${first}`), `«${first}…» keeps its opening mark`);
      }
    });
  }
});
