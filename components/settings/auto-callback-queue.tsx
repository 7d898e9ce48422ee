"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { ListOrdered } from "lucide-react";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { useTRPC } from "@/lib/trpc/client";

export function QueueCount({ queued }: { queued: number | null }) {
  const t = useTranslations("integrationSettings.calls.autoCallback");
  return (
    <div className="flex flex-col gap-1.5">
      <p className="text-sm font-medium" data-testid="auto-callback-queue">
        {t("queue")}: <span data-testid="auto-callback-queue-count">{queued ?? "…"}</span>
      </p>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        {queued !== null && queued > 0 ? <ClearQueue queued={queued} /> : null}
        <Link
          href="/callbacks"
          className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
        >
          <ListOrdered className="size-4" />
          {t("openQueue")}
        </Link>
      </div>
    </div>
  );
}

function ClearQueue({ queued }: { queued: number }) {
  const t = useTranslations("integrationSettings.calls.autoCallback.clear");
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const clear = useMutation(trpc.callbacks.clear.mutationOptions());
  const confirm = async () => {
    setError(null);
    try {
      await clear.mutateAsync();
    } catch (err) {
      setError(locale === "ru" && err instanceof TRPCClientError ? err.message : t("error"));
      return;
    }
    await queryClient.invalidateQueries({ queryKey: trpc.callbacks.count.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.callbacks.queue.queryKey() });
    setOpen(false);
  };
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <button
          type="button"
          data-testid="auto-callback-clear"
          className="text-destructive underline underline-offset-4 hover:no-underline"
        >
          {t("link")}
        </button>
      }
      title={t("title")}
      description={t("description", { count: queued })}
      cancelLabel={t("cancel")}
      confirmLabel={t("confirm")}
      pending={clear.isPending}
      error={error}
      onConfirm={confirm}
      testId="auto-callback-clear"
    />
  );
}
