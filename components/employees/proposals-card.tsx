"use client";

import { ArrowLeftRight, Check, TriangleAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ReasonBadge } from "./reason-badge";
import type { Proposals } from "./types";
import type { EmployeesApi } from "./use-employees";

const who = (e: { extension: string | null; name: string }) =>
  e.extension ? `${e.extension} · ${e.name}` : e.name;

type Conflict = Proposals["conflicts"][number];

/** Why this group was not proposed, in words: one user for two extensions, or two users for one employee. */
function conflictWhy(t: ReturnType<typeof useTranslations<"employees">>, c: Conflict) {
  const [user] = c.users;
  const [employee] = c.employees;
  if (c.users.length === 1 && user)
    return t("conflicts.userTwice", { user: user.name, employees: c.employees.map(who).join(", ") });
  if (c.employees.length === 1 && employee)
    return t("conflicts.employeeTwice", {
      employee: who(employee),
      users: c.users.map((u) => u.name).join(", "),
    });
  return t("conflicts.several");
}

/** Proposals of the automatic matching (apply all or one by one) and the conflicts it would not guess. */
export function ProposalsCard({
  data,
  api,
  canEdit,
}: {
  data: Proposals;
  api: EmployeesApi;
  canEdit: boolean;
}) {
  const t = useTranslations("employees");
  const busy = api.apply.isPending;
  return (
    <Card className="gap-4" data-testid="proposals">
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-3">
        <div className="flex flex-col gap-1.5">
          <CardTitle>{t("proposals.title")}</CardTitle>
          <CardDescription>{t("proposals.description")}</CardDescription>
        </div>
        {canEdit && data.proposals.length > 0 ? (
          <Button disabled={busy} onClick={() => api.apply.mutate({})}>
            <Check />
            {t("proposals.applyAll", { count: data.proposals.length })}
          </Button>
        ) : null}
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {data.proposals.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t("proposals.none")}</p>
        ) : (
          <ul className="flex flex-col divide-y rounded-md border">
            {data.proposals.map((p) => (
              <li
                key={p.employee.id}
                data-testid="proposal"
                className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2 text-sm"
              >
                <span className="font-medium">{who(p.employee)}</span>
                <ArrowLeftRight className="size-4 text-muted-foreground" />
                <span>{p.user.name}</span>
                <ReasonBadge reason={p.reason} />
                {p.reason === "name" ? (
                  <span
                    className="text-xs text-muted-foreground tabular-nums"
                    title={t("proposals.confidenceHint")}
                    data-testid="proposal-confidence"
                  >
                    {t("proposals.confidence", { percent: Math.round(p.confidence * 100) })}
                  </span>
                ) : null}
                {canEdit ? (
                  <Button
                    size="sm"
                    variant="outline"
                    className="ml-auto"
                    disabled={busy}
                    onClick={() => api.apply.mutate({ employeeIds: [p.employee.id] })}
                  >
                    {t("proposals.accept")}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {data.conflicts.length > 0 ? (
          <section className="flex flex-col gap-2" data-testid="conflicts">
            <h3 className="flex items-center gap-2 text-sm font-medium text-amber-700 dark:text-amber-400">
              <TriangleAlert className="size-4" />
              {t("conflicts.title")}
            </h3>
            <p className="text-sm text-muted-foreground">{t("conflicts.description")}</p>
            <ul className="flex flex-col gap-2">
              {data.conflicts.map((c) => (
                <li
                  key={[...c.employees.map((e) => e.id), ...c.users.map((u) => u.amoUserId)].join("-")}
                  data-testid="conflict"
                  className="grid gap-2 rounded-md border border-amber-300 bg-amber-50/60 px-3 py-2 text-sm md:grid-cols-[1fr_auto_1fr] dark:border-amber-800 dark:bg-amber-950/30"
                >
                  <span>{c.employees.map(who).join(", ")}</span>
                  <span className="text-xs text-muted-foreground">
                    {t("conflicts.by", { reason: t(`reasons.${c.reason}`) })}
                  </span>
                  <span>{c.users.map((u) => u.name).join(", ")}</span>
                  <span className="text-xs md:col-span-3" data-testid="conflict-why">
                    {conflictWhy(t, c)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </CardContent>
    </Card>
  );
}
