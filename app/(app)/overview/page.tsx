import { getTranslations } from "next-intl/server";
import { EmptyState } from "@/components/shell/empty-state";

export async function generateMetadata() {
  const t = await getTranslations("empty.overview");
  return { title: t("title") };
}

export default async function OverviewPage() {
  const t = await getTranslations("empty.overview");
  return <EmptyState title={t("title")} text={t("text")} />;
}
