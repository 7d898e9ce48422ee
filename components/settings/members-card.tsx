"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTenant } from "@/components/shell/use-tenant";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";

/** Members of the tenant; the owner grants or takes admin rights (`members.setRole`). */
export function MembersCard() {
  const t = useTranslations("settings");
  const tRoles = useTranslations("roles");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tenant = useTenant();
  const members = useQuery(trpc.members.list.queryOptions());
  const setRole = useMutation(
    trpc.members.setRole.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() }),
    }),
  );
  const isOwner = tenant.data?.role === "owner";
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("membersTitle")}</CardTitle>
        <CardDescription>{isOwner ? t("membersText") : t("ownerOnly")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {setRole.error ? (
          <p role="alert" className="text-sm text-destructive">
            {errorText(setRole.error)}
          </p>
        ) : null}
        {members.isPending ? (
          <Skeleton className="h-24 w-full" />
        ) : members.data?.length ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("name")}</TableHead>
                <TableHead>{t("email")}</TableHead>
                <TableHead>{t("role")}</TableHead>
                {isOwner ? <TableHead className="text-right">{t("admin")}</TableHead> : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {members.data.map((m) => (
                <TableRow key={m.userId}>
                  <TableCell className="font-medium">{m.name}</TableCell>
                  <TableCell className="text-muted-foreground">{m.email ?? "—"}</TableCell>
                  <TableCell>
                    <Badge variant={m.role === "member" ? "outline" : "secondary"} data-testid="member-role">
                      {tRoles(m.role)}
                    </Badge>
                  </TableCell>
                  {isOwner ? (
                    <TableCell className="text-right">
                      {m.role === "owner" ? null : (
                        <Switch
                          aria-label={`${t("admin")}: ${m.name}`}
                          checked={m.role === "admin"}
                          disabled={setRole.isPending}
                          onCheckedChange={(on) =>
                            setRole.mutate({ userId: m.userId, role: on ? "admin" : "member" })
                          }
                        />
                      )}
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : (
          <p className="text-sm text-muted-foreground">{t("none")}</p>
        )}
      </CardContent>
    </Card>
  );
}
