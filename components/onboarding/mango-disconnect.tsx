"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Unplug } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
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
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button type="button" variant="ghost" size="sm" data-testid="mango-disconnect">
          <Unplug />
          {t("button")}
        </Button>
      }
      title={t("title")}
      description={t("description")}
      cancelLabel={t("cancel")}
      confirmLabel={t("confirm")}
      pending={disconnect.isPending}
      error={error}
      onConfirm={confirm}
      testId="mango-disconnect"
    />
  );
}
