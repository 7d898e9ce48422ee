import { getTranslations } from "next-intl/server";
import { EmployeesView } from "@/components/employees/employees-view";

export async function generateMetadata() {
  const t = await getTranslations("employees");
  return { title: t("title") };
}

export default function EmployeesPage() {
  return <EmployeesView />;
}
