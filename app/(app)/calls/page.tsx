import { getTranslations } from "next-intl/server";
import { CallsView } from "@/components/calls/calls-view";

export async function generateMetadata() {
  const t = await getTranslations("calls");
  return { title: t("title") };
}

export default function CallsPage() {
  return <CallsView />;
}
