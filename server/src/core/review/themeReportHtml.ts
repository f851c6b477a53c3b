// The theme report as one self-contained HTML file: no scripts, no network (a CSP that allows
// only the inline style), every text the project holds escaped, and a print style so that it
// prints as a readable document.
import type { ItemReviewStatus, ReviewThread } from './reviewState';
import { targetLabel } from './reviewState';
import type { ReportCode, ReportSection, ThemeReport } from './themeReport';

export const REPORT_LABELS = {
  nb: {
    contents: 'Innhold', themes: 'temaer', codes: 'koder', segments: 'kodede segmenter', openThreads: 'åpne kommentartråder', definition: 'Definisjon', noDefinition: '(ingen definisjon)',
    byInformant: 'Per informant', byAttribute: 'Per egenskap', segmentsHeading: 'Segmenter', line: 'linje', omitted: (n: number) => `… og ${n} segmenter til`,
    threads: 'Åpne kommentarer', passages: 'Kommentarer på tekststeder', none: 'Ingen', status: { proposed: 'foreslått', 'needs-work': 'trenger arbeid', agreed: 'enig' },
    generated: (d: string) => `Laget av Thesis QDA ${d}.`, informant: 'Informant', count: 'Antall',
  },
  en: {
    contents: 'Contents', themes: 'themes', codes: 'codes', segments: 'coded segments', openThreads: 'open comment threads', definition: 'Definition', noDefinition: '(no definition)',
    byInformant: 'By informant', byAttribute: 'By attribute', segmentsHeading: 'Segments', line: 'line', omitted: (n: number) => `… and ${n} more segments`,
    threads: 'Open comments', passages: 'Comments on passages', none: 'None', status: { proposed: 'proposed', 'needs-work': 'needs work', agreed: 'agreed' },
    generated: (d: string) => `Made by Thesis QDA on ${d}.`, informant: 'Informant', count: 'Count',
  },
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font:15px/1.5 Georgia,"Times New Roman",serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1,h2,h3,h4{font-family:system-ui,sans-serif;line-height:1.25}
h2{border-bottom:2px solid #1f3a5f;padding-bottom:.2rem;margin-top:2.5rem}
nav ol{padding-left:1.2rem} .status{font:600 .75rem system-ui,sans-serif;padding:.1rem .45rem;border-radius:.6rem;vertical-align:middle;margin-left:.4rem}
.proposed{background:#e8eaed;color:#333}.needs-work{background:#fde2c2;color:#7a3b00}.agreed{background:#d3f0d8;color:#14522a}
.note{color:#7a3b00;font-style:italic} table{border-collapse:collapse;margin:.4rem 0 .8rem;font:.85rem system-ui,sans-serif}
td,th{border:1px solid #ccc;padding:.15rem .5rem;text-align:left} td.n{text-align:right}
blockquote{margin:.5rem 0 .1rem 1rem;padding-left:.8rem;border-left:3px solid #9ab} .ref{font:.78rem system-ui,sans-serif;color:#666;margin:0 0 .6rem 1.8rem}
.thread{background:#fff8e1;border-left:3px solid #e0a800;padding:.3rem .7rem;margin:.5rem 0;font-size:.92rem} .thread p{margin:.2rem 0}
.who{font:600 .8rem system-ui,sans-serif;color:#555}
@media print{body{margin:0;max-width:none;font-size:11pt} h2{break-before:page} h2,h3,h4{break-after:avoid} blockquote,.thread,table{break-inside:avoid} nav{break-after:page}}
`;

export function themeReportHtml(report: ThemeReport, lineOf?: (doc: string, offset: number) => number, now: Date = new Date()): string {
  const l = REPORT_LABELS[report.language];
  const e = escapeHtml;
  const out: string[] = [];
  const status = (s: ItemReviewStatus | undefined): string =>
    s ? `<span class="status ${s.status}">${e(l.status[s.status])}</span>${s.note ? `<div class="note">${e(s.note)}</div>` : ''}` : '';
  const threads = (ts: ReviewThread[], showTarget = false): void => {
    for (const t of ts) {
      out.push(`<div class="thread">${showTarget ? `<div class="who">${e(targetLabel(t.on, lineOf))}</div>` : ''}`);
      for (const c of t.comments) out.push(`<p><span class="who">${e(c.author)}, ${e(c.at.slice(0, 10))}:</span> ${e(c.body).replace(/\n/g, '<br>')}</p>`);
      out.push('</div>');
    }
  };
  const table = (head: [string, string], rows: Array<[string, number]>): void => {
    if (!rows.length) return;
    out.push(`<table><tr><th>${e(head[0])}</th><th>${e(head[1])}</th></tr>`);
    for (const [k, n] of rows) out.push(`<tr><td>${e(k)}</td><td class="n">${n}</td></tr>`);
    out.push('</table>');
  };
  const code = (c: ReportCode, id: string): void => {
    out.push(`<h4 id="${id}">${e(c.name)}${status(c.status)}</h4>`);
    out.push(`<p><strong>${e(l.definition)}:</strong> ${c.definition.trim() ? e(c.definition) : e(l.noDefinition)} · ${c.codings} ${e(l.segments)}</p>`);
    threads(c.threads);
    if (c.byInformant.length) {
      out.push(`<p class="who">${e(l.byInformant)}</p>`);
      table([l.informant, l.count], c.byInformant);
    }
    for (const a of c.byAttribute) {
      if (!a.counts.length) continue;
      out.push(`<p class="who">${e(l.byAttribute)}: ${e(a.attribute)}</p>`);
      table([a.attribute, l.count], a.counts);
    }
    for (const s of c.segments) {
      out.push(`<blockquote>${e(s.text)} (${e(s.informant)})</blockquote>`, `<p class="ref">${e(s.doc)}, ${e(l.line)} ${s.line}${s.timestamp ? ` [${e(s.timestamp)}]` : ''}</p>`);
    }
    if (c.omitted) out.push(`<p class="ref">${e(l.omitted(c.omitted))}</p>`);
  };
  const section = (s: ReportSection, ti: number, si: number): void => {
    if (s.group !== undefined) out.push(`<h3 id="t${ti}-g${si}">${e(s.group)}${status(s.status)}</h3>`, s.description ? `<p>${e(s.description)}</p>` : '');
    threads(s.threads);
    s.codes.forEach((c, ci) => code(c, `t${ti}-g${si}-c${ci}`));
  };
  out.push(
    '<!DOCTYPE html>',
    `<html lang="${report.language}"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(report.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${e(report.title)}</h1>`,
    `<p>${report.totals.themes} ${l.themes} · ${report.totals.codes} ${e(l.codes)} · ${report.totals.segments} ${e(l.segments)} · ${report.totals.openThreads} ${e(l.openThreads)}</p>`,
    `<nav><h2 style="border:0;margin-top:1rem">${e(l.contents)}</h2><ol>`,
  );
  report.themes.forEach((t, ti) => out.push(`<li><a href="#t${ti}">${e(t.name)}</a>${t.status ? ` — ${e(l.status[t.status.status])}` : ''}</li>`));
  if (report.passageThreads.length) out.push(`<li><a href="#passages">${e(l.passages)}</a></li>`);
  out.push('</ol></nav>');
  report.themes.forEach((t, ti) => {
    out.push(`<h2 id="t${ti}">${e(t.name)}${status(t.status)}</h2>`);
    if (t.description) out.push(`<p>${e(t.description)}</p>`);
    threads(t.threads);
    t.sections.forEach((s, si) => section(s, ti, si));
  });
  if (report.passageThreads.length) {
    out.push(`<h2 id="passages">${e(l.passages)}</h2>`);
    threads(report.passageThreads, true);
  }
  out.push(`<p class="ref">${e(l.generated(now.toISOString().slice(0, 10)))}</p></body></html>`, '');
  return out.join('\n');
}
