import { getTranslations } from "next-intl/server";
import { EmptyState } from "@/components/shell/empty-state";

export async function generateMetadata() {
  const t = await getTranslations("empty.rules");
  return { title: t("title") };
}

export default async function RulesPage() {
  const t = await getTranslations("empty.rules");
  return <EmptyState title={t("title")} text={t("text")} />;
}
