"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Loader2, Phone, PhoneIncoming, PhoneOutgoing, UserX } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { PairControl } from "@/components/employees/pair-control";
import { isAdminRole, useTenant } from "@/components/shell/use-tenant";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import type { AppRouter } from "@/server/trpc/router";

type UnattributedRow = inferRouterOutputs<AppRouter>["calls"]["unattributed"]["items"][number];

const PAGE_SIZE = 20;
const REFRESH_MS = 10_000;
const TIME = { dateStyle: "short", timeStyle: "short" } as const;
const ICONS = { incoming: PhoneIncoming, outgoing: PhoneOutgoing, unknown: Phone };

/**
 * «Неразобранные звонки»: calls not written to amoCRM because nobody of theirs is paired. An admin pairs the
 * extension right here with the Сотрудники page's own control (employees.link); its calls are then logged again.
 * Hidden while there are none.
 */
export function UnattributedCalls() {
  const t = useTranslations("calls.unattributed");
  const errorText = useErrorText();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tenant = useTenant();
  const canEdit = isAdminRole(tenant.data?.role);
  const list = useInfiniteQuery(
    trpc.calls.unattributed.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchInterval: REFRESH_MS },
    ),
  );
  const directoryQuery = useQuery(trpc.employees.list.queryOptions());
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.employees.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.calls.unattributed.pathKey() }),
    ]);
  const api = {
    link: useMutation(trpc.employees.link.mutationOptions({ onSettled: refresh })),
    unlink: useMutation(trpc.employees.unlink.mutationOptions({ onSettled: refresh })),
  };
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  if (rows.length === 0) return null;
  const directory = directoryQuery.data;
  const freeUsers = directory?.users.filter((u) => u.isActive && u.linkedEmployeeId === null) ?? [];

  const extensionCell = (ext: UnattributedRow["extensions"][number]) => {
    const employee = directory?.employees.find((e) => e.id === ext.mangoEmployeeId);
    return (
      <div key={ext.extension} className="flex flex-col gap-1" data-testid="unattributed-extension">
        <span className="font-medium">
          {ext.employeeName
            ? t("extensionNamed", { extension: ext.extension, name: ext.employeeName })
            : t("extension", { extension: ext.extension })}
        </span>
        {ext.amoUserName ? (
          <span
            className="flex items-center gap-1 text-sm text-muted-foreground"
            data-testid="unattributed-relogging"
          >
            <Loader2 className="size-3 animate-spin" />
            {t("relogging", { user: ext.amoUserName })}
          </span>
        ) : employee ? (
          <PairControl employee={employee} freeUsers={freeUsers} api={api} canEdit={canEdit} />
        ) : (
          <span className="text-sm text-muted-foreground">{t("unknownExtension")}</span>
        )}
      </div>
    );
  };

  return (
    <Card data-testid="unattributed-calls">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <UserX className="size-5 text-amber-600" />
          {t("title")}
        </CardTitle>
        <CardDescription>{canEdit ? t("description") : t("descriptionMember")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 px-0">
        {api.link.error ? (
          <p role="alert" className="px-6 text-sm text-destructive">
            {errorText(api.link.error)}
          </p>
        ) : null}
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead className="pl-6">{t("columns.time")}</TableHead>
              <TableHead>{t("columns.client")}</TableHead>
              <TableHead className="pr-6">{t("columns.extension")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((row) => {
              const Icon = ICONS[row.direction];
              return (
                <TableRow key={row.id} data-testid="unattributed-row" data-id={row.id}>
                  <TableCell className="pl-6 align-top whitespace-nowrap">
                    {format.dateTime(row.at, TIME)}
                  </TableCell>
                  <TableCell className="align-top">
                    <div className="flex items-center gap-2">
                      <Icon
                        className="size-4 text-muted-foreground"
                        aria-label={t(`direction.${row.direction}`)}
                      />
                      <span className="font-mono">{row.clientPhone ?? t("noNumber")}</span>
                    </div>
                    <span className="text-xs text-muted-foreground">
                      {row.answered ? t("answered") : t("notAnswered")}
                    </span>
                  </TableCell>
                  <TableCell className="pr-6 align-top">
                    {row.extensions.length === 0 ? (
                      <span className="text-sm text-muted-foreground">{t("noExtension")}</span>
                    ) : (
                      <div className="flex flex-col gap-3">{row.extensions.map(extensionCell)}</div>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
        {list.hasNextPage ? (
          <div className="px-6">
            <Button
              variant="outline"
              size="sm"
              disabled={list.isFetchingNextPage}
              onClick={() => list.fetchNextPage()}
            >
              {t("loadMore")}
            </Button>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
