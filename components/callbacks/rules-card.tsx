"use client";

import { useMutation } from "@tanstack/react-query";
import { Pause, Play } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import { type Queue, useInvalidate } from "./queue-data";

/** The rules with queued items: «Приостановить» / «Возобновить» each. */
export function RulesCard({
  rules,
  onError,
}: {
  rules: Queue["rules"];
  onError: (text: string | null) => void;
}) {
  const t = useTranslations("callbacks.rules");
  const trpc = useTRPC();
  const errorText = useErrorText();
  const invalidate = useInvalidate();
  const pause = useMutation(trpc.callbacks.pauseRule.mutationOptions());
  const resume = useMutation(trpc.callbacks.resumeRule.mutationOptions());
  const toggle = async (ruleId: string, paused: boolean) => {
    onError(null);
    try {
      await (paused ? resume : pause).mutateAsync({ ruleId });
    } catch (err) {
      onError(errorText(err));
    }
    await invalidate();
  };
  return (
    <Card className="gap-2 px-4 py-4" data-testid="callbacks-rules">
      <h2 className="text-base font-semibold">{t("title")}</h2>
      <ul className="flex flex-col divide-y">
        {rules.map((r) => (
          <li
            key={r.ruleId}
            className="flex flex-wrap items-center justify-between gap-2 py-2"
            data-testid={`callbacks-rule-${r.ruleId}`}
          >
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Link href={`/rules?rule=${r.ruleId}`} className="font-medium hover:underline">
                {r.ruleName || t("unnamed")}
              </Link>
              <span className="text-muted-foreground">{t("queued", { count: r.queued })}</span>
              {r.paused ? <Badge variant="outline">{t("paused")}</Badge> : null}
            </div>
            <Button
              variant="outline"
              size="sm"
              disabled={pause.isPending || resume.isPending}
              onClick={() => toggle(r.ruleId, r.paused)}
            >
              {r.paused ? <Play /> : <Pause />}
              {r.paused ? t("resume") : t("pause")}
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
