import { getTranslations } from "next-intl/server";
import { MembersCard } from "@/components/settings/members-card";
import { EmptyState } from "@/components/shell/empty-state";

export async function generateMetadata() {
  const t = await getTranslations("empty.settings");
  return { title: t("title") };
}

export default async function SettingsPage() {
  const t = await getTranslations("empty.settings");
  return (
    <EmptyState title={t("title")} text={t("text")}>
      <MembersCard />
    </EmptyState>
  );
}
