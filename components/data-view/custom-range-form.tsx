"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useAccountTimeZone } from "./account-time";
import { accountDate, type Range, toAccountDateString } from "./period";

const schema = z
  .object({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "dateRequired"),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "dateRequired"),
  })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "rangeInvalid" });
type Values = z.infer<typeof schema>;

/** "Свой период": two calendar days of the account's time zone, inclusive. */
export function CustomRangeForm({ range, onApply }: { range: Range; onApply: (range: Range) => void }) {
  const t = useTranslations("journal.filters");
  const timeZone = useAccountTimeZone();
  const today = toAccountDateString(new Date(), timeZone);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      from: range.from ? toAccountDateString(range.from, timeZone) : today,
      to: range.to ? toAccountDateString(range.to, timeZone) : today,
    },
  });
  const { errors } = form.formState;
  const message = (key: string | undefined) =>
    key === "rangeInvalid" || key === "dateRequired" ? t(key) : key ? t("dateRequired") : null;
  return (
    <form
      noValidate
      data-testid="custom-range"
      className="flex flex-wrap items-end gap-3 rounded-lg border bg-muted/30 p-3"
      onSubmit={form.handleSubmit((v) =>
        onApply({ from: accountDate(v.from, timeZone), to: accountDate(v.to, timeZone, true) }),
      )}
    >
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="range-from">{t("from")}</Label>
        <Input
          id="range-from"
          type="date"
          className="w-40"
          aria-invalid={!!errors.from}
          {...form.register("from")}
        />
        {errors.from ? <p className="text-xs text-destructive">{message(errors.from.message)}</p> : null}
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="range-to">{t("to")}</Label>
        <Input
          id="range-to"
          type="date"
          className="w-40"
          aria-invalid={!!errors.to}
          {...form.register("to")}
        />
        {errors.to ? <p className="text-xs text-destructive">{message(errors.to.message)}</p> : null}
      </div>
      <Button type="submit" variant="secondary">
        {t("apply")}
      </Button>
    </form>
  );
}
