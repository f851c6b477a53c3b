// Finishing ECharts' server-side SVG for a chapter and for the Charts view (pure: a string in,
// a string out). ECharts' SSR writes the shapes and texts with literal colours and marks each
// datum's element with `ecmeta_series_index`/`ecmeta_data_index`; this adds what a reader needs
// and the library does not write without a DOM:
// - the root tag as the view and files expect it (xmlns first, width, height, viewBox), with
//   role="img" and aria-labelledby pointing at a <title> and a <desc> listing every number;
// - a <title> (tooltip) inside each bar part and cell, from the chart's `tips`;
// - a class per colour of the palette (`s0`…`s9`, `heat`, `fg`, `muted`, `grid`, `bg`), so the
//   webview can map them to the VS Code theme; a file gets a <style> with the palette itself;
// - no `ecmeta_*` attributes (they are for ECharts' own client-side hydration, not ours), and
//   no hover styles.
// Text that ECharts writes is already escaped by it; everything added here goes through escapeXml.
import { paletteOf, SERIES_CLASSES, type ChartSpec, type ChartTheme } from './charts';

/** Text and attribute values: &, <, >, " and ' as entities; characters XML forbids are dropped. */
export function escapeXml(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The palette as CSS on the colour classes, for a standalone file ('none': the webview's stylesheet does it). */
export function chartStyle(theme: ChartTheme): string {
  if (theme === 'none') return '';
  const p = paletteOf(theme);
  const series = p.series.map((c, i) => `.s${i}{fill:${c}}`).join('');
  return `<style>.bg{fill:${p.bg}}.fg{fill:${p.fg}}.muted{fill:${p.muted}}.grid{stroke:${p.grid}}.heat{fill:${p.heat}}${series}</style>`;
}

/** A colour as ECharts may write it (#rrggbb, or rgb(r,g,b) after its visual mapping) in one spelling: #rrggbb. */
function canonical(colour: string): string {
  const rgb = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/i.exec(colour);
  if (rgb) return '#' + rgb.slice(1, 4).map((x) => Number(x).toString(16).padStart(2, '0')).join('');
  return colour.toLowerCase();
}

/** Which class a colour stands for: texts and shapes apart (a text's muted grey may be a series' grey). */
function classMaps(theme: ChartTheme): { text: Map<string, string>; shape: Map<string, string>; stroke: Map<string, string> } {
  const p = paletteOf(theme);
  const lower = canonical;
  return {
    text: new Map([[p.fg, 'fg'], [p.muted, 'muted'], [p.bg, 'bg']].map(([c, k]) => [lower(c), k])),
    shape: new Map([[p.bg, 'bg'], [p.heat, 'heat'], ...p.series.slice(0, SERIES_CLASSES).map((c, i) => [c, `s${i}`])].map(([c, k]) => [lower(c), k])),
    stroke: new Map([[lower(p.grid), 'grid']]),
  };
}

const TAG = /<([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g;
const ATTR = /\s+([\w:-]+)="([^"]*)"/g;

/** ECharts' SSR string → the SVG the view, `qda export chart-svg` and Save SVG… hand out. */
export function finishSvg(raw: string, spec: ChartSpec): string {
  const classes = classMaps(spec.theme);
  // ECharts' hover styles (a <style> of `zrN-cls-M:hover` rules) go: the file is a figure, and
  // the view's colours come from the theme.
  const body = raw
    .replace(/^[\s\S]*?<svg\b[^>]*>/, '')
    .replace(/<\/svg>\s*$/, '')
    .replace(/<style\s*><!\[CDATA\[[^\]]*\]\]>\s*<\/style>/g, '');
  const finished = body.replace(TAG, (whole, tag: string, attrText: string, selfClosing: string) => {
    const attrs = [...attrText.matchAll(ATTR)].map((m) => [m[1], m[2]] as [string, string]);
    const get = (name: string): string | undefined => attrs.find(([k]) => k === name)?.[1];
    const series = get('ecmeta_series_index');
    const data = get('ecmeta_data_index');
    const fill = get('fill') && canonical(get('fill')!);
    const stroke = get('stroke') && canonical(get('stroke')!);
    const cls = [...(get('class') ?? '').split(/\s+/).filter((c) => c && !/^zr\d+-cls-\d+$/.test(c)), fill && (tag === 'text' ? classes.text : classes.shape).get(fill), stroke && classes.stroke.get(stroke)].filter((x): x is string => !!x);
    // Opacities as ECharts computes them have 16 digits; three are all a reader's eye can tell.
    const kept = attrs.filter(([k]) => !k.startsWith('ecmeta_') && k !== 'class').map(([k, v]): [string, string] => (/-opacity$/.test(k) && /^[\d.]+$/.test(v) ? [k, String(Math.round(Number(v) * 1000) / 1000)] : [k, v]));
    if (cls.length) kept.push(['class', [...new Set(cls)].join(' ')]);
    const open = `<${tag}${kept.map(([k, v]) => ` ${k}="${v}"`).join('')}`;
    // The datum's own element (not its legend entry, which carries the same indices).
    const tip = series !== undefined && data !== undefined && get('ecmeta_ssr_type') === 'chart' ? spec.tips[Number(series)]?.[Number(data)] : undefined;
    if (tip === undefined) return selfClosing ? `${open}/>` : `${open}>`;
    const title = `<title>${escapeXml(tip)}</title>`;
    return selfClosing ? `${open}>${title}</${tag}>` : `${open}>${title}`;
  });
  const xlink = /\bxlink:/.test(finished) ? ' xmlns:xlink="http://www.w3.org/1999/xlink"' : '';
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg"${xlink} width="${spec.width}" height="${spec.height}" viewBox="0 0 ${spec.width} ${spec.height}" role="img" aria-labelledby="chart-title chart-desc">`,
    chartStyle(spec.theme),
    `<title id="chart-title">${escapeXml(spec.title)}</title>`,
    `<desc id="chart-desc">${escapeXml(spec.desc)}</desc>`,
    finished.trim(),
    '</svg>',
  ];
  return lines.filter((line) => line !== '').join('\n') + '\n';
}
