import { useQuery } from '@apollo/client/react';
import { useId, useMemo, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDay } from '../../format/formatDate.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import type { StatsInterval } from '../../generated/graphql.ts';
import { CreditStatsDocument } from '../../generated/graphql.ts';
import { BarChart } from './BarChart.tsx';

const ranges = {
  '7d': { label: 'Last 7 days', days: 7, interval: 'DAY' },
  '30d': { label: 'Last 30 days', days: 30, interval: 'DAY' },
  '90d': { label: 'Last 90 days', days: 90, interval: 'WEEK' },
  '365d': { label: 'Last 12 months', days: 364, interval: 'WEEK' },
} as const satisfies Record<string, { label: string; days: number; interval: StatsInterval }>;

type RangeKey = keyof typeof ranges;

function isRangeKey(value: string): value is RangeKey {
  return value in ranges;
}

/** [from, to) in whole UTC days ending with today, the buckets' own calendar. */
export function statsWindow(days: number, now: Date = new Date()): { from: string; to: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const from = new Date(to.getTime() - days * 24 * 60 * 60 * 1000);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Credits sold, spent and clawed back, and revenue, over time, from `creditStats`. */
export function CreditStatsPanel() {
  const id = useId();
  const [rangeKey, setRangeKey] = useState<RangeKey>('30d');
  const range = ranges[rangeKey];
  // Computed once per choice: a window that moved on every render would refetch forever.
  const period = useMemo(() => statsWindow(range.days), [range.days]);
  const { data, previousData, error, refetch } = useQuery(CreditStatsDocument, {
    variables: { from: period.from, to: period.to, interval: range.interval },
    fetchPolicy: 'cache-and-network',
  });
  const stats = (data ?? previousData)?.creditStats;
  const buckets = stats?.buckets ?? [];
  const credits = (value: number) => `${formatCredits(value)} credits`;
  // Revenue is one chart per currency: minor units of different currencies are never added up.
  const currencies = stats?.currencies ?? [];
  const moneyIn = (currency: string) => (value: number) => formatMoney({ amountMinor: value, currency });
  const revenueIn = (bucket: (typeof buckets)[number], currency: string) =>
    bucket.revenue.find((entry) => entry.currency === currency)?.amountMinor ?? 0;
  const revenueText = (bucket: (typeof buckets)[number]) =>
    bucket.revenue.length === 0 ? moneyIn(stats?.currency ?? 'usd')(0) : bucket.revenue.map((entry) => moneyIn(entry.currency)(entry.amountMinor)).join(' · ');
  const series = (pick: (bucket: (typeof buckets)[number]) => number) => buckets.map((bucket) => ({ start: bucket.start, value: pick(bucket) }));

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <div className="section-header">
        <h2 id={`${id}-heading`}>Credit flows</h2>
        <div className="field field--inline">
          <label htmlFor={`${id}-range`}>Period</label>
          <select id={`${id}-range`} value={rangeKey} onChange={(event) => isRangeKey(event.target.value) && setRangeKey(event.target.value)}>
            {Object.entries(ranges).map(([key, option]) => (
              <option key={key} value={key}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && !stats && <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      <div className="chart-grid" aria-busy={!data}>
        {stats ? (
          <>
            <BarChart title="Credits sold" tone="sold" points={series((bucket) => bucket.creditsSold)} formatValue={credits} formatLabel={formatDay} />
            <BarChart title="Credits spent" tone="spent" points={series((bucket) => bucket.creditsSpent)} formatValue={credits} formatLabel={formatDay} />
            <BarChart
              title="Credits clawed back"
              tone="clawed"
              points={series((bucket) => bucket.creditsClawedBack)}
              formatValue={credits}
              formatLabel={formatDay}
            />
            {currencies.map((currency) => (
              <BarChart
                key={currency}
                title={`Revenue (${currency.toUpperCase()})`}
                tone="revenue"
                points={series((bucket) => revenueIn(bucket, currency))}
                formatValue={moneyIn(currency)}
                formatLabel={formatDay}
              />
            ))}
          </>
        ) : (
          !error && [0, 1, 2, 3].map((index) => <div key={index} className="chart chart--placeholder skeleton" aria-hidden="true" />)
        )}
      </div>
      {stats && buckets.length > 0 && (
        <details className="chart-table">
          <summary>Show the numbers</summary>
          <div className="table-wrap">
            <table className="data-table data-table--compact">
              <caption className="visually-hidden">Credit flows per {stats.interval === 'WEEK' ? 'week' : 'day'}</caption>
              <thead>
                <tr>
                  <th scope="col">{stats.interval === 'WEEK' ? 'Week of' : 'Day'}</th>
                  <th scope="col" className="numeric">Sold</th>
                  <th scope="col" className="numeric">Spent</th>
                  <th scope="col" className="numeric">Clawed back</th>
                  <th scope="col" className="numeric">Adjusted</th>
                  <th scope="col" className="numeric">Revenue</th>
                </tr>
              </thead>
              <tbody>
                {buckets.map((bucket) => (
                  <tr key={bucket.start}>
                    <th scope="row" data-label="Day">{formatDay(bucket.start)}</th>
                    <td className="numeric" data-label="Sold">{formatCredits(bucket.creditsSold)}</td>
                    <td className="numeric" data-label="Spent">{formatCredits(bucket.creditsSpent)}</td>
                    <td className="numeric" data-label="Clawed back">{formatCredits(bucket.creditsClawedBack)}</td>
                    <td className="numeric" data-label="Adjusted">{formatCredits(bucket.creditsAdjusted)}</td>
                    <td className="numeric" data-label="Revenue">{revenueText(bucket)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
