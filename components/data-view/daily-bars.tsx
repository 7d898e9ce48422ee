"use client";

import { useFormatter } from "next-intl";
import { useId } from "react";

/** One bar of each day: its count key, legend label and colours (Tailwind classes). */
export type DailySeries<K extends string> = { key: K; label: string; bar: string; swatch: string };

export type DailyBarsLabels<K extends string> = {
  title: string;
  /** For screen readers, with the totals. */
  description: string;
  totals: (totals: Record<K, number>) => string;
  dayColumn: string;
  /** A bar group's tooltip: the day in words and its counts. */
  day: (day: string, counts: Record<K, number>) => string;
};

const W = 960;
const H = 190;
const PAD = { top: 12, right: 8, bottom: 24, left: 32 };
const MAX_LABELS = 12;

/**
 * Counts per account day (the server cut them in the account's time zone) as grouped SVG bars, with the same numbers as a table for screen readers (the
 * Calls and SMS charts). Test hooks: `chart-day` per day with `data-<key>`, totals in `chart-<key>`.
 */
export function DailyBars<K extends string>({
  days,
  series,
  labels,
  testId,
}: {
  days: ({ day: string } & Record<K, number>)[];
  series: DailySeries<K>[];
  labels: DailyBarsLabels<K>;
  testId: string;
}) {
  const format = useFormatter();
  const id = useId();
  // A day is a calendar date, not an instant: read and written in UTC so no zone can move it.
  const dayLabel = (day: string, long = false) =>
    format.dateTime(new Date(`${day}T12:00:00Z`), {
      timeZone: "UTC",
      ...(long ? { day: "numeric", month: "long" } : { day: "2-digit", month: "2-digit" }),
    });
  const countsOf = (d: Record<K, number>) =>
    Object.fromEntries(series.map((s) => [s.key, d[s.key]])) as Record<K, number>;
  const totals = Object.fromEntries(
    series.map((s) => [s.key, days.reduce((sum, d) => sum + d[s.key], 0)]),
  ) as Record<K, number>;
  const max = Math.max(1, ...days.flatMap((d) => series.map((s) => d[s.key])));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const group = plotW / Math.max(1, days.length);
  const bar = Math.min(24, (group * 0.72) / series.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const labelEvery = Math.ceil(days.length / MAX_LABELS);
  const ticks = [...new Set([0, Math.round(max / 2), max])];

  return (
    <figure className="flex flex-col gap-3" data-testid={testId}>
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium">{labels.title}</span>
        <span className="flex items-center gap-4 text-xs text-muted-foreground">
          {series.map((s) => (
            <span key={s.key} className="inline-flex items-center gap-1.5">
              <span aria-hidden className={`size-2.5 rounded-sm ${s.swatch}`} />
              {s.label}: <span data-testid={`chart-${s.key}`}>{totals[s.key]}</span>
            </span>
          ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{labels.title}</title>
        <desc id={`${id}-desc`}>
          {labels.description} {labels.totals(totals)}
        </desc>
        {ticks.map((v) => (
          <g key={v} aria-hidden>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(v)}
              y2={y(v)}
              className="stroke-border"
              strokeDasharray={v === 0 ? undefined : "3 3"}
            />
            <text
              x={PAD.left - 6}
              y={y(v) + 4}
              textAnchor="end"
              className="fill-muted-foreground text-[11px]"
            >
              {v}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = PAD.left + i * group + group / 2;
          const start = x - (series.length * (bar + 2)) / 2 + 1;
          const data = Object.fromEntries(series.map((s) => [`data-${s.key}`, d[s.key]]));
          return (
            <g key={d.day} data-testid="chart-day" data-day={d.day} {...data}>
              <title>{labels.day(dayLabel(d.day, true), countsOf(d))}</title>
              {series.map((s, j) => (
                <rect
                  key={s.key}
                  x={start + j * (bar + 2)}
                  y={y(d[s.key])}
                  width={bar}
                  height={Math.max(0, PAD.top + plotH - y(d[s.key]))}
                  rx={2}
                  className={s.bar}
                />
              ))}
              {i % labelEvery === 0 ? (
                <text
                  x={x}
                  y={H - 6}
                  textAnchor="middle"
                  aria-hidden
                  className="fill-muted-foreground text-[11px]"
                >
                  {dayLabel(d.day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <table className="sr-only">
        <caption>{labels.title}</caption>
        <thead>
          <tr>
            <th scope="col">{labels.dayColumn}</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{dayLabel(d.day, true)}</th>
              {series.map((s) => (
                <td key={s.key}>{d[s.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
