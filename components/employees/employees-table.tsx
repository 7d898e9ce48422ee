"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { PairControl } from "./pair-control";
import type { Directory } from "./types";
import type { EmployeesApi } from "./use-employees";

/** One row per MANGO employee with its flags and, on the right, its amoCRM user. */
export function EmployeesTable({
  data,
  api,
  canEdit,
}: {
  data: Directory;
  api: EmployeesApi;
  canEdit: boolean;
}) {
  const t = useTranslations("employees");
  const freeUsers = data.users.filter((u) => u.isActive && u.linkedEmployeeId === null);
  return (
    <Card className="gap-0 overflow-hidden pb-0">
      <CardHeader className="pb-4">
        <CardTitle>{t("table.title")}</CardTitle>
      </CardHeader>
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead className="w-16">{t("table.extension")}</TableHead>
            <TableHead>{t("table.name")}</TableHead>
            <TableHead>{t("table.email")}</TableHead>
            <TableHead>{t("table.mobile")}</TableHead>
            <TableHead>{t("table.groups")}</TableHead>
            <TableHead className="min-w-96">{t("table.user")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {data.employees.map((e) => (
            <TableRow
              key={e.id}
              data-testid="employee-row"
              data-extension={e.extension ?? ""}
              className={e.isPresent ? undefined : "opacity-60"}
            >
              <TableCell className="font-mono">
                {e.extension ?? <Badge variant="outline">{t("flags.noExtension")}</Badge>}
              </TableCell>
              <TableCell>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="min-w-40 font-medium">{e.name}</span>
                  {e.isPresent ? null : <Badge variant="outline">{t("flags.absent")}</Badge>}
                </div>
              </TableCell>
              <TableCell className="text-muted-foreground">{e.email ?? "—"}</TableCell>
              <TableCell>
                {e.mobile ? (
                  <span className="whitespace-nowrap">{e.mobile}</span>
                ) : (
                  <Badge
                    variant="outline"
                    className="border-amber-400 text-amber-700 dark:text-amber-400"
                    title={t("flags.noMobileHint")}
                    data-testid="flag-no-mobile"
                  >
                    {t("flags.noMobile")}
                  </Badge>
                )}
              </TableCell>
              <TableCell className="text-xs text-muted-foreground" data-testid="employee-groups">
                {e.groups.map((g) => g.name ?? t("table.unknownGroup", { id: g.id })).join(", ") || "—"}
              </TableCell>
              <TableCell>
                <PairControl employee={e} freeUsers={freeUsers} api={api} canEdit={canEdit} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
