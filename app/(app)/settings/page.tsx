import { getTranslations } from "next-intl/server";
import { IntegrationSettingsView } from "@/components/settings/integration-settings";
import { MembersCard } from "@/components/settings/members-card";

export async function generateMetadata() {
  const t = await getTranslations("empty.settings");
  return { title: t("title") };
}

/** Настройки: the main integration settings (three tabs, as in MANGO's widget), then the members. */
export default async function SettingsPage() {
  const t = await getTranslations("empty.settings");
  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <IntegrationSettingsView />
      <MembersCard />
    </div>
  );
}
