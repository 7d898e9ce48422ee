import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { getSessionIdentity } from "@/server/auth/session";

// Every page below reads the session and tenant data: never prerendered at build time.
export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const identity = await getSessionIdentity();
  if (!identity?.tenantId) redirect("/login");
  return <AppShell>{children}</AppShell>;
}
