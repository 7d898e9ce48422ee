import { cn } from "@/lib/utils";

/** The Amango wordmark: a mango-coloured mark and the name. */
export function Logo({ className }: { className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <span
        aria-hidden
        className="grid size-7 place-items-center rounded-lg bg-gradient-to-br from-amber-400 to-orange-500 text-sm font-bold text-white shadow-sm"
      >
        A
      </span>
      <span>Amango</span>
    </span>
  );
}
