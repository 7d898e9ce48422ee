"use client";

import { useQuery } from "@tanstack/react-query";
import { KeyRound, LoaderCircle } from "lucide-react";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Separator } from "@/components/ui/separator";
import { useTRPC } from "@/lib/trpc/client";

type Role = "owner" | "admin" | "member";
const isRole = (r: string): r is Role => r === "owner" || r === "admin" || r === "member";

/** Development sign-in: one button per membership that `auth.devUsers` offers (empty unless DEV_LOGIN=1). */
export function DevSignIn() {
  const t = useTranslations("login");
  const tRoles = useTranslations("roles");
  const trpc = useTRPC();
  const users = useQuery(trpc.auth.devUsers.queryOptions());
  const [pending, setPending] = useState<string | null>(null);
  if (!users.data || users.data.length === 0) return null;
  return (
    <section className="flex flex-col gap-3" data-testid="dev-sign-in">
      <div className="flex items-center gap-3">
        <Separator className="flex-1" />
        <span className="text-xs font-medium text-muted-foreground uppercase">{t("devTitle")}</span>
        <Separator className="flex-1" />
      </div>
      <ul className="flex flex-col gap-2">
        {users.data.map((u) => {
          const key = `${u.tenantId}:${u.userId}`;
          return (
            <li key={key}>
              <button
                type="button"
                disabled={pending !== null}
                aria-label={t("signInAs", { name: u.name })}
                onClick={() => {
                  setPending(key);
                  void signIn("dev", { userId: u.userId, tenantId: u.tenantId, callbackUrl: "/overview" });
                }}
                className="flex w-full items-center gap-3 rounded-lg border px-3 py-2.5 text-left transition-colors hover:bg-accent disabled:opacity-60"
              >
                <span className="grid size-8 shrink-0 place-items-center rounded-full bg-muted text-muted-foreground">
                  {pending === key ? (
                    <LoaderCircle className="size-4 animate-spin" />
                  ) : (
                    <KeyRound className="size-4" />
                  )}
                </span>
                <span className="flex min-w-0 flex-1 flex-col">
                  <span className="truncate text-sm font-medium">{u.name}</span>
                  <span className="truncate text-xs text-muted-foreground">{u.tenantName}</span>
                </span>
                <Badge variant="outline">{isRole(u.role) ? tRoles(u.role) : u.role}</Badge>
              </button>
            </li>
          );
        })}
      </ul>
      <p className="text-center text-xs text-muted-foreground">{t("devHint")}</p>
    </section>
  );
}
