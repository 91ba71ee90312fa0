/**
 * A horizontal bar chart of ratios as a hand-written SVG string (no dependency): one group of bars per configuration,
 * one bar per series, and a dashed marker line (the target).
 */

export interface ChartGroup {
  label: string;
  bars: ReadonlyArray<{ label: string; ratio: number }>;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  /** Where the dashed marker line goes, e.g. 0.9. */
  marker: number;
  markerLabel?: string;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#e15759', '#9c755f'];

export function ratioChartSvg(groups: readonly ChartGroup[], options: ChartOptions): string {
  const width = 900;
  const labelWidth = 330;
  const plotLeft = labelWidth + 10;
  const plotRight = width - 60;
  const top = options.subtitle ? 76 : 58;
  const groupHeader = 22;
  const barHeight = 16;
  const barGap = 5;
  const groupGap = 12;
  const ratios = groups.flatMap((group) => group.bars.map((bar) => bar.ratio)).filter(Number.isFinite);
  const scaleMax = Math.max(1, options.marker, Math.ceil(Math.max(0, ...ratios) * 4) / 4);
  const x = (ratio: number) => plotLeft + (Math.max(0, Math.min(ratio, scaleMax)) / scaleMax) * (plotRight - plotLeft);
  const seriesColor = new Map<string, string>();
  for (const bar of groups.flatMap((group) => group.bars)) {
    if (!seriesColor.has(bar.label)) seriesColor.set(bar.label, PALETTE[seriesColor.size % PALETTE.length]!);
  }

  const body: string[] = [];
  // Value labels go on top of the marker line, with a white halo, so a bar ending near the marker stays readable.
  const values: string[] = [];
  let y = top;
  for (const group of groups) {
    body.push(`<text x="8" y="${y + 15}" font-weight="bold">${escapeXml(group.label)}</text>`);
    y += groupHeader;
    for (const bar of group.bars) {
      const finite = Number.isFinite(bar.ratio);
      const barWidth = finite ? x(bar.ratio) - plotLeft : 0;
      body.push(
        `<text x="${labelWidth}" y="${y + 12}" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${plotLeft}" y="${y}" width="${barWidth.toFixed(1)}" height="${barHeight}" fill="${seriesColor.get(bar.label)}"><title>${escapeXml(`${group.label} ${bar.label}: ${finite ? bar.ratio.toFixed(2) : 'n/a'}`)}</title></rect>`,
      );
      values.push(
        `<text x="${(plotLeft + barWidth + 4).toFixed(1)}" y="${y + 12}" paint-order="stroke" stroke="#fff" stroke-width="3">${finite ? `${bar.ratio.toFixed(2)}x` : 'n/a'}</text>`,
      );
      y += barHeight + barGap;
    }
    y += groupGap;
  }
  const plotBottom = y - groupGap + 4;
  const height = plotBottom + 30;

  const grid: string[] = [];
  for (let tick = 0; tick <= scaleMax + 1e-9; tick += 0.25) {
    const tx = x(tick).toFixed(1);
    grid.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${plotBottom}" stroke="#ddd"/>`,
      `<text x="${tx}" y="${plotBottom + 16}" text-anchor="middle" fill="#555">${tick.toFixed(2)}</text>`,
    );
  }
  const mx = x(options.marker).toFixed(1);
  const marker = [
    `<line x1="${mx}" y1="${top - 10}" x2="${mx}" y2="${plotBottom}" stroke="#d62728" stroke-width="2" stroke-dasharray="6,4"/>`,
    `<text x="${mx}" y="${top - 14}" text-anchor="middle" fill="#d62728">${escapeXml(options.markerLabel ?? options.marker.toFixed(2))}</text>`,
  ];

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="20" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
    ...(options.subtitle ? [`<text x="8" y="38" fill="#555">${escapeXml(options.subtitle)}</text>`] : []),
    ...grid,
    ...body,
    ...marker,
    ...values,
    `</svg>`,
    '',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
