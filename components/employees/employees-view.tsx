"use client";

import { RefreshCw, Users } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { isAdminRole, useTenant } from "@/components/shell/use-tenant";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useErrorText } from "@/lib/trpc/errors";
import { EmployeesTable } from "./employees-table";
import { ProposalsCard } from "./proposals-card";
import { ResyncReport } from "./resync-report";
import type { ResyncReport as Report } from "./types";
import { useEmployees } from "./use-employees";
import { UsersCard } from "./users-card";

/** Сотрудники: MANGO employees beside amoCRM users, automatic proposals, manual pairing, re-sync. */
export function EmployeesView() {
  const t = useTranslations("employees");
  const errorText = useErrorText();
  const tenant = useTenant();
  const api = useEmployees();
  const [report, setReport] = useState<Report | null>(null);
  const canEdit = isAdminRole(tenant.data?.role);
  const mutationError = [api.apply, api.link, api.unlink, api.resync].find((m) => m.error)?.error;
  const data = api.directory.data;
  const present = data?.employees.filter((e) => e.isPresent) ?? [];
  const linked = present.filter((e) => e.link).length;

  return (
    <div className="mx-auto flex w-full max-w-7xl flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="flex max-w-3xl flex-col gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="text-sm text-muted-foreground">{t("description")}</p>
          {data && present.length > 0 ? (
            <p className="text-sm font-medium" data-testid="employees-summary">
              {t("summary", { linked, total: present.length })}
            </p>
          ) : null}
          {tenant.data && !canEdit ? <p className="text-sm text-muted-foreground">{t("readOnly")}</p> : null}
        </div>
        {canEdit ? (
          <Button
            variant="outline"
            disabled={api.resync.isPending}
            onClick={() => api.resync.mutate(undefined, { onSuccess: setReport })}
          >
            <RefreshCw className={api.resync.isPending ? "animate-spin" : undefined} />
            {api.resync.isPending ? t("resyncing") : t("resync")}
          </Button>
        ) : null}
      </div>

      {mutationError ? (
        <p
          role="alert"
          className="rounded-md border border-destructive/40 px-3 py-2 text-sm text-destructive"
        >
          {errorText(mutationError)}
        </p>
      ) : null}
      {report ? <ResyncReport report={report} onClose={() => setReport(null)} /> : null}

      {api.directory.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : api.directory.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {errorText(api.directory.error)}
        </p>
      ) : !data || data.employees.length === 0 ? (
        <div
          className="flex flex-col items-center gap-3 rounded-xl border border-dashed px-6 py-14 text-center"
          data-testid="employees-empty"
        >
          <Users className="size-8 text-muted-foreground" />
          <p className="max-w-md text-sm text-muted-foreground">{t("empty")}</p>
        </div>
      ) : (
        <>
          {api.proposals.data ? (
            <ProposalsCard data={api.proposals.data} api={api} canEdit={canEdit} />
          ) : null}
          <EmployeesTable data={data} api={api} canEdit={canEdit} />
          <UsersCard data={data} />
        </>
      )}
    </div>
  );
}
