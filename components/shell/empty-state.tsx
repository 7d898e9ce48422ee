import { Construction } from "lucide-react";
import type { ReactNode } from "react";

/** An honest placeholder for a section that a later release fills. */
export function EmptyState({ title, text, children }: { title: string; text: string; children?: ReactNode }) {
  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <div
        data-testid="empty-state"
        className="flex flex-col items-center gap-3 rounded-xl border border-dashed bg-muted/30 px-6 py-14 text-center"
      >
        <span className="grid size-11 place-items-center rounded-full bg-background text-muted-foreground ring-1 ring-border">
          <Construction className="size-5" />
        </span>
        <p className="max-w-md text-sm text-pretty text-muted-foreground">{text}</p>
      </div>
      {children}
    </div>
  );
}
