import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { getSessionIdentity } from "@/server/auth/session";
import { env } from "@/server/config/env";

// Every page below reads the session and tenant data: never prerendered at build time.
export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const identity = await getSessionIdentity();
  if (!identity?.tenantId) redirect("/login");
  // Demo mode on the emulators: the banner links to the amoCRM emulator's control page.
  const e = env();
  const demoControlUrl =
    e.isDemo && e.AMOCRM_EMULATOR_URL
      ? `${e.AMOCRM_EMULATOR_URL.replace(/\/$/, "")}/__control/ui`
      : undefined;
  return <AppShell demoControlUrl={demoControlUrl}>{children}</AppShell>;
}
