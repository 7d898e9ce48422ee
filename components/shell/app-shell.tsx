"use client";

import { Menu } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { Logo } from "@/components/brand/logo";
import { LocaleSwitch } from "@/components/locale-switch";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { DemoBanner } from "./demo-banner";
import { Nav } from "./nav";
import { TenantBanner } from "./tenant-banner";
import { useTenant } from "./use-tenant";
import { UserMenu } from "./user-menu";

/** `demoControlUrl`: in demo mode, the amoCRM emulator's control page (the demo banner links to it). */
export function AppShell({ children, demoControlUrl }: { children: ReactNode; demoControlUrl?: string }) {
  const t = useTranslations("shell");
  const tCommon = useTranslations("common");
  const tenant = useTenant();
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col gap-6 border-r bg-sidebar px-3 py-4 lg:flex">
        <Link href="/overview" className="px-3">
          <Logo />
        </Link>
        <Nav />
      </aside>
      <Sheet open={menuOpen} onOpenChange={setMenuOpen}>
        <SheetContent side="left" className="w-64 bg-sidebar p-4" closeLabel={tCommon("close")}>
          <SheetTitle className="px-3">
            <Logo />
          </SheetTitle>
          <Nav onNavigate={() => setMenuOpen(false)} />
        </SheetContent>
      </Sheet>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b bg-background/95 px-4 backdrop-blur sm:px-6">
          <Button
            variant="ghost"
            size="icon"
            className="lg:hidden"
            aria-label={t("menu")}
            onClick={() => setMenuOpen(true)}
          >
            <Menu />
          </Button>
          <div className="min-w-0 flex-1">
            {tenant.data ? (
              <span className="truncate text-sm font-semibold" data-testid="tenant-name">
                {tenant.data.name}
              </span>
            ) : (
              <Skeleton className="h-5 w-40" />
            )}
          </div>
          <LocaleSwitch />
          <UserMenu />
        </header>
        {demoControlUrl ? <DemoBanner controlUrl={demoControlUrl} /> : null}
        <TenantBanner />
        <main className="flex-1 px-4 py-6 sm:px-6 lg:px-8">{children}</main>
      </div>
    </div>
  );
}
