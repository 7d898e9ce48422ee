"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { LogPage } from "@/components/data-view/log-page";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { DetailSheet } from "./detail-sheet";
import { OutcomeList } from "./outcome-list";
import { TechnicalView } from "./technical-view";

type View = "outcomes" | "technical";

/**
 * Журнал: what happened, one row per call, SMS, deal event or application (`activity.journal`), and one
 * click away «Технический журнал», every entry as recorded (`activity.list`). `?view=technical` selects it,
 * `?entry=<id>` opens an entry in either.
 */
export function JournalView() {
  const t = useTranslations("journal");
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const view: View = params.get("view") === "technical" ? "technical" : "outcomes";
  const openId = params.get("entry");
  const go = (next: { view: View; entry: string | null }) => {
    const q = new URLSearchParams();
    if (next.view === "technical") q.set("view", "technical");
    if (next.entry) q.set("entry", next.entry);
    const s = q.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };
  const setOpenId = (entry: string | null) => go({ view, entry });

  return (
    <LogPage
      title={t("title")}
      description={view === "technical" ? t("descriptionTechnical") : t("description")}
    >
      <Tabs value={view} onValueChange={(v) => go({ view: v as View, entry: null })}>
        <TabsList>
          <TabsTrigger value="outcomes" data-testid="journal-tab-outcomes">
            {t("tabs.outcomes")}
          </TabsTrigger>
          <TabsTrigger value="technical" data-testid="journal-tab-technical">
            {t("tabs.technical")}
          </TabsTrigger>
        </TabsList>
      </Tabs>
      {view === "technical" ? <TechnicalView onOpen={setOpenId} /> : <OutcomeList onOpen={setOpenId} />}
      <DetailSheet id={openId} onOpen={setOpenId} onClose={() => setOpenId(null)} />
    </LogPage>
  );
}
