import { getTranslations } from "next-intl/server";
import { SmsHistoryView } from "@/components/sms/sms-history-view";

export async function generateMetadata() {
  const t = await getTranslations("sms");
  return { title: t("title") };
}

export default function SmsPage() {
  return <SmsHistoryView />;
}
