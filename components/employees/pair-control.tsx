"use client";

import { Link2, Unlink } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { ReasonBadge } from "./reason-badge";
import type { DirectoryEmployee, DirectoryUser } from "./types";
import type { EmployeesApi } from "./use-employees";

/** The amoCRM side of one employee row: the pair with its reason and "Отвязать", or a select of free users. */
export function PairControl({
  employee,
  freeUsers,
  api,
  canEdit,
}: {
  employee: DirectoryEmployee;
  freeUsers: DirectoryUser[];
  /** Only the pairing mutations: the Calls page's «Неразобранные звонки» reuses this control. */
  api: Pick<EmployeesApi, "link" | "unlink">;
  canEdit: boolean;
}) {
  const t = useTranslations("employees");
  const [choice, setChoice] = useState<string>("");
  const link = employee.link;
  if (link) {
    return (
      <div className="flex flex-wrap items-center gap-2" data-testid="pair">
        <span className="font-medium">{link.userName ?? t("pair.unknownUser", { id: link.amoUserId })}</span>
        <ReasonBadge reason={link.source} />
        {link.userActive ? null : <Badge variant="destructive">{t("flags.userInactive")}</Badge>}
        {canEdit ? (
          <Button
            size="sm"
            variant="ghost"
            className="ml-auto"
            disabled={api.unlink.isPending}
            onClick={() => api.unlink.mutate({ mangoEmployeeId: employee.id })}
          >
            <Unlink />
            {t("pair.unlink")}
          </Button>
        ) : null}
      </div>
    );
  }
  if (!canEdit || !employee.isPresent) return <span className="text-muted-foreground">—</span>;
  if (freeUsers.length === 0)
    return <span className="text-sm text-muted-foreground">{t("pair.noFree")}</span>;
  return (
    <div className="flex items-center gap-2">
      <Select value={choice} onValueChange={setChoice}>
        <SelectTrigger className="w-64" aria-label={t("pair.label", { name: employee.name })}>
          <SelectValue placeholder={t("pair.placeholder")} />
        </SelectTrigger>
        <SelectContent>
          {freeUsers.map((u) => (
            <SelectItem key={u.amoUserId} value={String(u.amoUserId)}>
              {u.name}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      <Button
        size="sm"
        variant="outline"
        disabled={!choice || api.link.isPending}
        onClick={() =>
          api.link.mutate(
            { mangoEmployeeId: employee.id, amoUserId: Number(choice) },
            { onSuccess: () => setChoice("") },
          )
        }
      >
        <Link2 />
        {t("pair.link")}
      </Button>
    </div>
  );
}
