import { useId } from 'react';

export interface BarChartPoint {
  /** The bucket's start, as the API sends it. */
  start: string;
  value: number;
}

interface BarChartProps {
  title: string;
  points: readonly BarChartPoint[];
  /** How a value reads (credits, money). */
  formatValue: (value: number) => string;
  formatLabel: (start: string) => string;
  tone: 'sold' | 'spent' | 'clawed' | 'revenue';
}

const width = 320;
const height = 96;
const gap = 2;

/**
 * A small bar chart in plain SVG (no chart library: bytes matter more than features here). The
 * image has a text summary for screen readers, each bar a tooltip; the numbers themselves are in
 * the table under the charts.
 */
export function BarChart({ title, points, formatValue, formatLabel, tone }: BarChartProps) {
  const titleId = useId();
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const highest = points.reduce<BarChartPoint | null>((best, point) => (best === null || point.value > best.value ? point : best), null);
  const scaleMax = Math.max(1, ...points.map((point) => Math.abs(point.value)));
  const barWidth = points.length > 0 ? (width - gap * (points.length - 1)) / points.length : width;
  const first = points[0];
  const last = points[points.length - 1];
  const summary =
    first && last && highest
      ? `${title}, ${formatLabel(first.start)} to ${formatLabel(last.start)}: total ${formatValue(total)}, highest ${formatValue(highest.value)} on ${formatLabel(highest.start)}.`
      : `${title}: no data.`;

  return (
    <figure className={`chart chart--${tone}`}>
      <figcaption id={titleId}>
        <span className="chart__title">{title}</span>
        <span className="chart__total">{formatValue(total)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={summary} className="chart__svg">
        <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="chart__axis" />
        {points.map((point, index) => {
          const barHeight = point.value === 0 ? 0 : Math.max(1.5, (Math.abs(point.value) / scaleMax) * (height - 4));
          return (
            <rect key={point.start} x={index * (barWidth + gap)} y={height - barHeight} width={Math.max(barWidth, 1)} height={barHeight} className="chart__bar">
              <title>{`${formatLabel(point.start)}: ${formatValue(point.value)}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="chart__range" aria-hidden="true">
        <span>{first ? formatLabel(first.start) : ''}</span>
        <span>{last ? formatLabel(last.start) : ''}</span>
      </div>
    </figure>
  );
}
