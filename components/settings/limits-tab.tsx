"use client";

import { useTranslations } from "next-intl";
import { Controller } from "react-hook-form";
import { Badge } from "@/components/ui/badge";
import { Switch } from "@/components/ui/switch";
import { type FormControl, Section, type SettingsOptions } from "./fields";

type Props = { control: FormControl; disabled: boolean; options: SettingsOptions };
type LineRow = { number: string; name: string | null; comment: string | null; known: boolean };

/**
 * "Ограничения": which MANGO lines are processed (reference §2.3, "Restrictions tab"). A chosen line that
 * MANGO no longer lists stays visible, so it can be turned off.
 */
export function LimitsTab({ control, disabled, options }: Props) {
  const t = useTranslations("integrationSettings.limits");
  const { lines } = options;
  return (
    <Controller
      control={control}
      name="limits.lines"
      render={({ field }) => {
        const chosen = field.value;
        const rows: LineRow[] = [
          ...lines.lines.map((l) => ({ ...l, known: true })),
          ...chosen
            .filter((n) => !lines.lines.some((l) => l.number === n))
            .map((n) => ({ number: n, name: null, comment: null, known: false })),
        ];
        const toggle = (number: string, on: boolean) =>
          field.onChange(on ? [...chosen, number] : chosen.filter((n) => n !== number));
        return (
          <Section title={t("title")} hint={t("hint")}>
            {!lines.available ? (
              <p
                data-testid="lines-unavailable"
                className="rounded-md border border-dashed bg-muted/40 p-3 text-sm text-muted-foreground"
              >
                {lines.reason === "not_connected" ? t("notConnected") : t("unavailable")}
              </p>
            ) : lines.lines.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("none")}</p>
            ) : null}
            <p data-testid="lines-summary" className="text-sm font-medium">
              {chosen.length === 0 ? t("all") : t("selected", { count: chosen.length })}
            </p>
            {rows.length > 0 ? (
              <ul className="flex flex-col divide-y rounded-md border">
                {rows.map((line) => {
                  const id = `line-${line.number}`;
                  return (
                    <li key={line.number} className="flex items-center gap-3 px-3 py-2.5">
                      <Switch
                        id={id}
                        aria-label={line.number}
                        checked={chosen.includes(line.number)}
                        disabled={disabled}
                        onCheckedChange={(on) => toggle(line.number, on)}
                      />
                      <label
                        htmlFor={id}
                        className="flex min-w-0 flex-1 flex-wrap items-center gap-x-3 gap-y-1 text-sm"
                      >
                        <span className="font-mono">{line.number}</span>
                        {line.name || line.comment ? (
                          <span className="truncate text-muted-foreground">
                            {[line.name, line.comment].filter(Boolean).join(" · ")}
                          </span>
                        ) : null}
                        {line.known ? null : <Badge variant="outline">{t("unknownLine")}</Badge>}
                      </label>
                    </li>
                  );
                })}
              </ul>
            ) : null}
          </Section>
        );
      }}
    />
  );
}
