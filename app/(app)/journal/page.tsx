import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { JournalView } from "@/components/journal/journal-view";

export async function generateMetadata() {
  const t = await getTranslations("journal");
  return { title: t("title") };
}

export default function JournalPage() {
  return (
    <Suspense>
      <JournalView />
    </Suspense>
  );
}
