"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle, Unplug } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { useTRPC } from "@/lib/trpc/client";
import { useOnboardingErrorText } from "./error-text";

/** «Отключить АТС» on the MANGO card (admins): asks first, then wipes the key so another company may connect it. */
export function MangoDisconnect() {
  const t = useTranslations("onboarding.mango.disconnect");
  const errorText = useOnboardingErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const disconnect = useMutation(trpc.mango.disconnect.mutationOptions());

  const confirm = async () => {
    setError(null);
    try {
      await disconnect.mutateAsync();
    } catch (err) {
      setError(errorText(err));
      return;
    }
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.mango.status.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.onboarding.checklist.queryKey() }),
    ]);
    setOpen(false);
  };

  return (
    <Dialog open={open} onOpenChange={(v) => (disconnect.isPending ? null : setOpen(v))}>
      <DialogTrigger asChild>
        <Button type="button" variant="ghost" size="sm" data-testid="mango-disconnect">
          <Unplug />
          {t("button")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t("cancel")} data-testid="mango-disconnect-dialog">
        <DialogHeader>
          <DialogTitle>{t("title")}</DialogTitle>
          <DialogDescription>{t("description")}</DialogDescription>
        </DialogHeader>
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <div className="flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button type="button" variant="ghost" disabled={disconnect.isPending}>
              {t("cancel")}
            </Button>
          </DialogClose>
          <Button
            type="button"
            variant="destructive"
            disabled={disconnect.isPending}
            onClick={confirm}
            data-testid="mango-disconnect-confirm"
          >
            {disconnect.isPending ? <LoaderCircle className="animate-spin" /> : null}
            {t("confirm")}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
