// The hover on a [[link]] to a note: a short excerpt that renders as the note does.
import { strict as assert } from 'node:assert';
import { noteExcerpt } from '../../server/src/hoverMarkdown';

describe('note excerpt (hover on a link to a note)', () => {
  it('keeps headings as bold lines, items as items and paragraphs; drops frontmatter, title, URLs and images', () => {
    const note = '---\ntags: [metode]\n---\n# Stegvis-deduktiv induksjon\n\n## Kodene først\n\nEmpirinære **koder** tett på [ordene](https://example.org) ![figur](https://example.org/x.png) — se [[Tjora 2021|Tjora]].\n\n- steg 1\n- steg 2\n\n## Senere\n\nIkke med.\n';
    assert.equal(noteExcerpt(note), '**Kodene først**\n\nEmpirinære koder tett på ordene — se Tjora.\n\n- steg 1\n- steg 2');
    assert.doesNotMatch(noteExcerpt(note), /##|https?:|!\[/);
  });

  it('escapes what would otherwise become formatting or HTML and stops at about 300 characters', () => {
    assert.equal(noteExcerpt('Tekst med <script>x</script> og [lenke] og a_b_c.'), 'Tekst med x og \\[lenke\\] og a\\_b\\_c.');
    const long = noteExcerpt('Ord '.repeat(200));
    assert.ok(long.length <= 301 && long.endsWith('…'), long);
  });
});
