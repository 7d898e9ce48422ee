import { getTranslations } from "next-intl/server";
import { CallbacksView } from "@/components/callbacks/callbacks-view";

export async function generateMetadata() {
  const t = await getTranslations("callbacks");
  return { title: t("title") };
}

export default function CallbacksPage() {
  return <CallbacksView />;
}
