"use client";

import { ExternalLink } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { cn } from "@/lib/utils";
import type { CallRow } from "./calls-table";

type Topics = NonNullable<CallRow["topics"]>;

const TONE = {
  waiting: "text-muted-foreground",
  placing: "text-muted-foreground",
  saved: "text-emerald-800",
  skipped: "text-amber-800",
};

/** «Тематики КЦ»: whether the call's Contact Center topics reached a deal, are awaited, or were given up. */
export function CallTopicsLine({ topics }: { topics: Topics }) {
  const t = useTranslations("calls.topics");
  const format = useFormatter();
  const text = (() => {
    switch (topics.state) {
      case "waiting":
        return topics.nextPollAt
          ? t("waiting", { time: format.dateTime(new Date(topics.nextPollAt), { timeStyle: "short" }) })
          : t("waitingNoTime");
      case "placing":
        return t("placing");
      case "saved":
        return t("saved");
      case "skipped":
        return topics.reason ? t("skipped", { reason: topics.reason }) : t("skippedNoReason");
    }
  })();
  return (
    <span
      className={cn("mt-1 block max-w-xs text-xs", TONE[topics.state])}
      data-testid="call-topics"
      data-state={topics.state}
      title={topics.comment ? t("comment", { comment: topics.comment }) : undefined}
    >
      {text}
      {topics.state === "saved" && topics.topicPaths.length > 0 ? (
        <span className="block text-foreground" data-testid="call-topics-paths">
          {topics.topicPaths.join("; ")}
        </span>
      ) : null}
      {topics.state === "saved" && topics.dealUrl ? (
        <a
          href={topics.dealUrl}
          target="_blank"
          rel="noopener noreferrer"
          title={t("dealHint")}
          className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
          data-testid="call-topics-deal"
        >
          <ExternalLink className="size-3" />
          {t("deal")}
        </a>
      ) : null}
    </span>
  );
}
