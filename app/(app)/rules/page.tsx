import { getTranslations } from "next-intl/server";
import { RulesPage } from "@/components/rules/rules-page";

export async function generateMetadata() {
  const t = await getTranslations("rules");
  return { title: t("title") };
}

/** Правила: the digital-pipeline rules editor (pipelines → stages → rules). */
export default function RulesRoute() {
  return <RulesPage />;
}
