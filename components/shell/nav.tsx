"use client";

import {
  LayoutDashboard,
  MessageSquareText,
  PhoneCall,
  PhoneForwarded,
  ScrollText,
  Settings,
  Users,
  Workflow,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { cn } from "@/lib/utils";

const items = [
  { href: "/overview", key: "overview", icon: LayoutDashboard },
  { href: "/journal", key: "journal", icon: ScrollText },
  { href: "/calls", key: "calls", icon: PhoneCall },
  { href: "/callbacks", key: "callbacks", icon: PhoneForwarded },
  { href: "/rules", key: "rules", icon: Workflow },
  { href: "/sms", key: "sms", icon: MessageSquareText },
  { href: "/employees", key: "employees", icon: Users },
  { href: "/settings", key: "settings", icon: Settings },
] as const;

export function Nav({ onNavigate }: { onNavigate?: () => void }) {
  const t = useTranslations("shell.nav");
  const pathname = usePathname();
  return (
    <nav className="flex flex-col gap-1">
      {items.map(({ href, key, icon: Icon }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={href}
            href={href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
              active
                ? "bg-background text-foreground shadow-xs ring-1 ring-border"
                : "text-muted-foreground hover:bg-accent hover:text-foreground",
            )}
          >
            <Icon className="size-4" />
            {t(key)}
          </Link>
        );
      })}
    </nav>
  );
}
