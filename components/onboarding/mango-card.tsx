"use client";

import { useQuery } from "@tanstack/react-query";
import { CircleCheck, Pencil } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { isAdminRole, useTenant } from "@/components/shell/use-tenant";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Separator } from "@/components/ui/separator";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/client";
import { DATE_TIME } from "./format";
import { type Connected, MangoConnectForm } from "./mango-connect-form";
import { MangoDisconnect } from "./mango-disconnect";
import { MangoEventsCheck } from "./mango-events-check";
import { MangoWebhook } from "./mango-webhook";

/** MANGO OFFICE on "Обзор" (`#mango`): the key form for admins, then the key, the events address and «Проверить». */
export function MangoCard() {
  const t = useTranslations("onboarding.mango");
  const tCommon = useTranslations("common");
  const format = useFormatter();
  const trpc = useTRPC();
  const tenant = useTenant();
  const status = useQuery(trpc.mango.status.queryOptions());
  const [editing, setEditing] = useState(false);
  const [connected, setConnected] = useState<Connected | null>(null);
  const isAdmin = isAdminRole(tenant.data?.role);
  const data = status.data;

  const onConnected = (result: Connected) => {
    setConnected(result);
    setEditing(false);
  };

  return (
    <Card
      id="mango"
      data-testid="mango-card"
      data-connected={data?.connected ?? false}
      className="scroll-mt-6"
    >
      <CardHeader className="flex flex-row items-start justify-between gap-4">
        <div className="flex flex-col gap-1.5">
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>{t("description")}</CardDescription>
        </div>
        {data ? (
          <Badge variant={data.connected ? "secondary" : "outline"} data-testid="mango-status">
            {data.connected ? <CircleCheck className="text-emerald-600" /> : null}
            {data.connected ? t("connected") : t("notConnected")}
          </Badge>
        ) : null}
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        {status.isPending || tenant.isPending ? (
          <Skeleton className="h-32 w-full" />
        ) : !data ? (
          <p role="alert" className="text-sm text-destructive">
            {tCommon("error")}
          </p>
        ) : (
          <>
            {connected && data.connected && !editing ? (
              <div
                role="status"
                data-testid="mango-connected"
                className="flex flex-col gap-1 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
              >
                <span className="font-medium">{t("success", { count: connected.employees })}</span>
                {connected.ccFields === "failed" ? (
                  <span className="text-xs">{t("ccFieldsFailed")}</span>
                ) : null}
              </div>
            ) : null}
            {data.connected && !editing ? (
              <>
                <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[auto_1fr]">
                  <dt className="text-muted-foreground">{t("keyHint")}</dt>
                  <dd className="font-mono" data-testid="mango-key-hint">
                    {data.keyHint ?? tCommon("dash")}
                  </dd>
                  <dt className="text-muted-foreground">{t("verifiedAt")}</dt>
                  <dd data-testid="mango-verified-at">
                    {data.verifiedAt ? format.dateTime(data.verifiedAt, DATE_TIME) : tCommon("dash")}
                  </dd>
                </dl>
                {data.webhookUrl ? (
                  <>
                    <Separator />
                    <MangoWebhook url={data.webhookUrl} />
                  </>
                ) : null}
                <Separator />
                <MangoEventsCheck canCheck={isAdmin} />
                {isAdmin ? (
                  <div className="flex flex-wrap gap-2">
                    <Button type="button" variant="ghost" size="sm" onClick={() => setEditing(true)}>
                      <Pencil />
                      {t("changeKey")}
                    </Button>
                    <MangoDisconnect />
                  </div>
                ) : null}
              </>
            ) : isAdmin ? (
              <MangoConnectForm
                onConnected={onConnected}
                onCancel={data.connected ? () => setEditing(false) : undefined}
              />
            ) : null}
            {isAdmin ? null : <p className="text-sm text-muted-foreground">{t("membersOnly")}</p>}
          </>
        )}
      </CardContent>
    </Card>
  );
}
