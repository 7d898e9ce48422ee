import { getTranslations } from "next-intl/server";
import { SmsLogView } from "@/components/sms/sms-log-view";

export async function generateMetadata() {
  const t = await getTranslations("sms");
  return { title: t("title") };
}

export default function SmsPage() {
  return <SmsLogView />;
}
