"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useId } from "react";

export type DayCounts = { day: string; answered: number; missed: number };

const W = 960;
const H = 190;
const PAD = { top: 12, right: 8, bottom: 24, left: 32 };
const MAX_LABELS = 12;

/** Answered and missed calls per Moscow day as grouped SVG bars, with the same numbers as a table for screen readers. */
export function DailyChart({ days }: { days: DayCounts[] }) {
  const t = useTranslations("calls.chart");
  const format = useFormatter();
  const id = useId();
  const dayLabel = (day: string, long = false) =>
    format.dateTime(
      new Date(`${day}T12:00:00+03:00`),
      long ? { day: "numeric", month: "long" } : { day: "2-digit", month: "2-digit" },
    );
  const totals = days.reduce((s, d) => ({ answered: s.answered + d.answered, missed: s.missed + d.missed }), {
    answered: 0,
    missed: 0,
  });
  const max = Math.max(1, ...days.map((d) => Math.max(d.answered, d.missed)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const group = plotW / Math.max(1, days.length);
  const bar = Math.min(24, group * 0.36);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const labelEvery = Math.ceil(days.length / MAX_LABELS);
  const ticks = [...new Set([0, Math.round(max / 2), max])];

  return (
    <figure className="flex flex-col gap-3" data-testid="calls-chart">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium">{t("title")}</span>
        <span className="flex items-center gap-4 text-xs text-muted-foreground">
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden className="size-2.5 rounded-sm bg-emerald-500" />
            {t("answered")}: <span data-testid="chart-answered">{totals.answered}</span>
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden className="size-2.5 rounded-sm bg-red-500" />
            {t("missed")}: <span data-testid="chart-missed">{totals.missed}</span>
          </span>
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{t("title")}</title>
        <desc id={`${id}-desc`}>
          {t("description")} {t("totals", totals)}
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
          return (
            <g
              key={d.day}
              data-testid="chart-day"
              data-day={d.day}
              data-answered={d.answered}
              data-missed={d.missed}
            >
              <title>
                {t("day", { day: dayLabel(d.day, true), answered: d.answered, missed: d.missed })}
              </title>
              <rect
                x={x - bar - 1}
                y={y(d.answered)}
                width={bar}
                height={Math.max(0, PAD.top + plotH - y(d.answered))}
                rx={2}
                className="fill-emerald-500"
              />
              <rect
                x={x + 1}
                y={y(d.missed)}
                width={bar}
                height={Math.max(0, PAD.top + plotH - y(d.missed))}
                rx={2}
                className="fill-red-500"
              />
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
        <caption>{t("title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("dayColumn")}</th>
            <th scope="col">{t("answered")}</th>
            <th scope="col">{t("missed")}</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{dayLabel(d.day, true)}</th>
              <td>{d.answered}</td>
              <td>{d.missed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
