import { getTranslations } from "next-intl/server";
import { RulesPage } from "@/components/rules/rules-page";

export async function generateMetadata() {
  const t = await getTranslations("rules");
  return { title: t("title") };
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Правила: the digital-pipeline rules editor (pipelines → stages → rules); `?rule=<id>` opens that rule's stage. */
export default async function RulesRoute({ searchParams }: Props) {
  const { rule } = await searchParams;
  const focusRuleId = typeof rule === "string" && /^[0-9a-f-]{36}$/i.test(rule) ? rule : undefined;
  return <RulesPage focusRuleId={focusRuleId} />;
}
