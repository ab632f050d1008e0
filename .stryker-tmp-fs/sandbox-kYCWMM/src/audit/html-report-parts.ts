// @ts-nocheck
// Building blocks of the HTML audit report (html-report.ts): escaping, capped
// tables, inline SVG bar charts and the stylesheet. No external asset anywhere.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute; every markup character escaped. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>\n${body}\n</section>`;
}

/** [header, cell renderer returning HTML, optional class] */
export type Column<T> = [string, (row: T) => string, string?];

/** A table of at most `cap` rows; says how many more exist (of `total`, when the list is itself a sample). */
export function list<T>(rows: readonly T[], cols: Column<T>[], cap: number, total = rows.length): string {
  if (total === 0) return '<p class="muted">None.</p>';
  const shown = rows.slice(0, cap);
  const head = cols.map(([h, , cls]) => `<th scope="col"${cls ? ` class="${cls}"` : ''}>${esc(h)}</th>`).join('');
  const body = shown.map((r) => `<tr>${cols.map(([, f, cls]) => `<td${cls ? ` class="${cls}"` : ''}>${f(r)}</td>`).join('')}</tr>`).join('\n');
  const more = total - shown.length;
  const note =
    more > 0 ? `<p class="more" data-more="${more}">… and ${more.toLocaleString('en-US')} more not listed (${total.toLocaleString('en-US')} in all).</p>` : '';
  return `<table class="list"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${note}`;
}

/** A horizontal bar chart as inline SVG, with the numbers written beside the bars. */
export function barChart(items: { label: string; value: number }[], title: string, tone: 'main' | 'warn' | 'accent' = 'main'): string {
  if (items.length === 0) return '';
  const rowH = 22;
  const labelW = 230;
  const barW = 360;
  const width = labelW + barW + 80;
  const height = items.length * rowH + 8;
  const max = Math.max(1, ...items.map((i) => i.value));
  const bars = items
    .map((it, i) => {
      const y = 4 + i * rowH;
      const w = it.value === 0 ? 0 : Math.max(2, Math.round((it.value / max) * barW));
      return (
        `<g><text x="${labelW - 8}" y="${y + 15}" text-anchor="end" class="lbl">${esc(it.label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="2" class="bar ${tone}"><title>${esc(it.label)}: ${it.value}</title></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 15}" class="val">${it.value.toLocaleString('en-US')}</text></g>`
      );
    })
    .join('');
  return `<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${bars}</svg><figcaption>${esc(title)}</figcaption></figure>`;
}

export const REPORT_CSS = `
:root { --ink:#1d2733; --muted:#5b6775; --line:#d8dee6; --bg:#f5f7fa; --card:#fff; --main:#2f6690; --warn:#c8791c; --accent:#3a7d44; --ok:#2e7d32; --bad:#b3261e; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--ink); background:var(--bg); }
header.top { display:flex; justify-content:space-between; align-items:center; gap:16px; flex-wrap:wrap; padding:18px 32px; background:#1f3b57; color:#fff; }
header.top h1 { margin:0; font-size:22px; font-weight:600; }
header.top .sub { margin:2px 0 0; color:#c9d6e3; font-size:13px; word-break:break-all; }
main { max-width:1100px; margin:0 auto; padding:20px 32px 8px; }
section { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:14px 20px 16px; margin:0 0 18px; }
h2 { font-size:17px; margin:0 0 10px; padding-bottom:6px; border-bottom:2px solid var(--line); }
h3 { font-size:14px; margin:16px 0 6px; }
.muted, .more { color:var(--muted); font-size:13px; }
.more { font-style:italic; }
table { border-collapse:collapse; width:100%; margin:6px 0; font-size:13px; }
th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); vertical-align:top; overflow-wrap:anywhere; }
thead th { background:#eef2f6; font-weight:600; }
tbody tr:nth-child(even) { background:#fafbfc; }
table.kv th { width:190px; color:var(--muted); font-weight:500; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
td code { white-space:nowrap; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:#eef2f6; padding:0 3px; border-radius:3px; }
.figures { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; margin:0 0 18px; }
.figure { background:var(--card); border:1px solid var(--line); border-left:4px solid var(--main); border-radius:6px; padding:10px 14px; }
.figure[data-figure="excluded"] { border-left-color:var(--warn); }
.figure b { display:block; font-size:24px; font-variant-numeric:tabular-nums; }
.figure span { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.status { display:flex; gap:8px; flex-wrap:wrap; }
.badge { display:inline-block; padding:5px 10px; border-radius:14px; font-size:13px; font-weight:600; background:#fff; }
.badge.ok { color:var(--ok); } .badge.bad { color:#fff; background:var(--bad); } .badge.neutral { color:var(--ink); } .badge.warn { color:#fff; background:var(--warn); }
.badge.signature { overflow-wrap:anywhere; max-width:100%; }
.figure[data-figure="fields"] { border-left-color:var(--warn); }
ul.problems { background:#fdecea; margin:0; padding:8px 32px; color:var(--bad); }
figure.chart { margin:6px 0 10px; overflow-x:auto; }
figure.chart figcaption { color:var(--muted); font-size:12px; }
svg .lbl { font-size:12px; fill:var(--ink); } svg .val { font-size:12px; fill:var(--muted); font-variant-numeric:tabular-nums; }
svg .bar.main { fill:var(--main); } svg .bar.warn { fill:var(--warn); } svg .bar.accent { fill:var(--accent); }
.origin { padding:1px 6px; border-radius:3px; font-size:12px; } .origin.parent { background:#e3eef8; } .origin.own { background:#fbeedd; }
footer { max-width:1100px; margin:0 auto; padding:4px 32px 24px; color:var(--muted); font-size:12px; }
@media print {
  body { background:#fff; font-size:10.5pt; }
  header.top { background:#fff; color:var(--ink); border-bottom:2px solid var(--ink); padding:0 0 8px; }
  header.top .sub { color:var(--muted); }
  main, footer { max-width:none; padding:8px 0; }
  section, .figure { border-color:#999; break-inside:avoid-page; }
  table.list { break-inside:auto; } tr { break-inside:avoid; } thead { display:table-header-group; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  @page { margin:14mm 12mm; }
}
`;
