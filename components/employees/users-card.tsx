"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { Directory } from "./types";

/** The amoCRM side: every user, whom they are paired with, and whether they have the extended integration. */
export function UsersCard({ data }: { data: Directory }) {
  const t = useTranslations("employees.users");
  const employeeById = new Map(data.employees.map((e) => [e.id, e]));
  return (
    <Card className="gap-4" data-testid="amocrm-users">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="grid gap-x-8 sm:grid-cols-2 lg:grid-cols-3">
          {data.users.map((u) => {
            const e = u.linkedEmployeeId ? employeeById.get(u.linkedEmployeeId) : undefined;
            const extended = Boolean(e?.extension && e.isPresent);
            return (
              <li
                key={u.amoUserId}
                className="flex flex-col gap-1 border-b py-2 text-sm"
                data-testid="amocrm-user"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{u.name}</span>
                  {u.isAdmin ? <Badge variant="outline">{t("admin")}</Badge> : null}
                  {u.isActive ? null : <Badge variant="destructive">{t("inactive")}</Badge>}
                  {extended ? <Badge>{t("extended")}</Badge> : null}
                </div>
                <span className="text-muted-foreground">
                  {e
                    ? e.extension
                      ? t("linkedTo", { extension: e.extension, name: e.name })
                      : t("linkedNoExt", { name: e.name })
                    : t("notLinked")}
                  {u.email ? ` · ${u.email}` : ""}
                </span>
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}
