import type { ReactNode } from "react";
import { FrameHeightReporter } from "@/components/widget/frame-height";

// Pages shown inside amoCRM (the widget's iframes): compact, no portal shell, never prerendered.
export const dynamic = "force-dynamic";

export default function WidgetLayout({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex w-full max-w-2xl flex-col gap-3 p-2 text-sm">
      {children}
      <FrameHeightReporter />
    </main>
  );
}
