/**
 * A small Prometheus registry (counters and histograms, text exposition format 0.0.4): all that
 * `/metrics` needs, without a dependency. Label values come from bounded sets (routes, status
 * codes, error codes); a metric still refuses new series past `seriesPerMetricMax`, so a bug that
 * puts an id in a label cannot grow memory without bound.
 */
export interface Counter {
  increment(labels: Record<string, string>, amount?: number): void;
}

export interface Histogram {
  observe(labels: Record<string, string>, value: number): void;
}

export interface MetricsRegistry {
  counter(options: { name: string; help: string; labelNames: readonly string[] }): Counter;
  histogram(options: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[] }): Histogram;
  /** The exposition text, served with content type `text/plain; version=0.0.4`. */
  render(): string;
}

const seriesPerMetricMax = 1000;

interface Series {
  labelText: string;
  value: number;
  bucketCounts: number[];
  sum: number;
}

interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  labelNames: readonly string[];
  buckets: readonly number[];
  series: Map<string, Series>;
}

export function createMetricsRegistry(): MetricsRegistry {
  const metrics: Metric[] = [];

  const register = (metric: Omit<Metric, 'series'>): Metric => {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric.name)) throw new Error(`Invalid metric name ${metric.name}`);
    if (metrics.some((existing) => existing.name === metric.name)) throw new Error(`Metric ${metric.name} registered twice`);
    const registered = { ...metric, series: new Map<string, Series>() };
    metrics.push(registered);
    return registered;
  };

  const seriesOf = (metric: Metric, labels: Record<string, string>): Series | null => {
    const values = metric.labelNames.map((labelName) => labels[labelName] ?? '');
    const key = JSON.stringify(values);
    const existing = metric.series.get(key);
    if (existing !== undefined) return existing;
    if (metric.series.size >= seriesPerMetricMax) return null;
    const labelText = metric.labelNames.map((labelName, index) => `${labelName}="${escapeLabelValue(values[index]!)}"`).join(',');
    const created: Series = { labelText, value: 0, bucketCounts: metric.buckets.map(() => 0), sum: 0 };
    metric.series.set(key, created);
    return created;
  };

  return {
    counter(options) {
      const metric = register({ ...options, type: 'counter', buckets: [] });
      return {
        increment(labels, amount = 1) {
          const series = seriesOf(metric, labels);
          if (series !== null) series.value += amount;
        },
      };
    },
    histogram(options) {
      const buckets = [...options.buckets].sort((left, right) => left - right);
      const metric = register({ ...options, type: 'histogram', buckets });
      return {
        observe(labels, value) {
          const series = seriesOf(metric, labels);
          if (series === null) return;
          series.value += 1;
          series.sum += value;
          // Buckets are stored cumulatively, as the exposition format wants them.
          buckets.forEach((upperBound, index) => {
            if (value <= upperBound) series.bucketCounts[index]! += 1;
          });
        },
      };
    },
    render() {
      return metrics.map(renderMetric).join('');
    },
  };
}

function renderMetric(metric: Metric): string {
  const lines = [`# HELP ${metric.name} ${metric.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${metric.name} ${metric.type}`];
  for (const series of metric.series.values()) {
    if (metric.type === 'counter') {
      lines.push(`${metric.name}${braces(series.labelText)} ${series.value}`);
      continue;
    }
    metric.buckets.forEach((upperBound, index) => {
      lines.push(`${metric.name}_bucket${braces(joinLabels(series.labelText, `le="${upperBound}"`))} ${series.bucketCounts[index]}`);
    });
    lines.push(`${metric.name}_bucket${braces(joinLabels(series.labelText, 'le="+Inf"'))} ${series.value}`);
    lines.push(`${metric.name}_sum${braces(series.labelText)} ${series.sum}`);
    lines.push(`${metric.name}_count${braces(series.labelText)} ${series.value}`);
  }
  return lines.join('\n') + '\n';
}

function joinLabels(labelText: string, extra: string): string {
  return labelText === '' ? extra : `${labelText},${extra}`;
}

function braces(labelText: string): string {
  return labelText === '' ? '' : `{${labelText}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
