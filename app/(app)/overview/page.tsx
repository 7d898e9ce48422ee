import { getTranslations } from "next-intl/server";
import { CampaignAlerts } from "@/components/campaigns/campaign-alerts";
import { CcFieldsCard } from "@/components/onboarding/cc-fields-card";
import { ChecklistCard } from "@/components/onboarding/checklist-card";
import { MangoCard } from "@/components/onboarding/mango-card";
import { WidgetSlot } from "@/components/onboarding/widget-slot";

export async function generateMetadata() {
  const t = await getTranslations("onboarding");
  return { title: t("title") };
}

/** "Обзор": the onboarding checklist and the cards that complete its steps (#mango, #cc-fields, #widget). */
export default async function OverviewPage() {
  const t = await getTranslations("onboarding");
  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      <CampaignAlerts />
      <ChecklistCard />
      <MangoCard />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <CcFieldsCard />
        <WidgetSlot />
      </div>
    </div>
  );
}
