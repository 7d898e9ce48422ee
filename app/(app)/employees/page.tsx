import { getTranslations } from "next-intl/server";
import { EmptyState } from "@/components/shell/empty-state";

export async function generateMetadata() {
  const t = await getTranslations("empty.employees");
  return { title: t("title") };
}

export default async function EmployeesPage() {
  const t = await getTranslations("empty.employees");
  return <EmptyState title={t("title")} text={t("text")} />;
}
