import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/router";

export type JournalGroup = inferRouterOutputs<AppRouter>["activity"]["journal"]["items"][number];
export type JournalStep = JournalGroup["steps"][number];

/** What an owner reads a row as; one set of words for every kind of row. */
export type OutcomeState = "done" | "sent" | "delivered" | "skipped" | "failed" | "rejected" | "pending";

const PENDING = new Set(["received", "queued", "running", "retrying"]);

/**
 * The row's state: its outcome entry's status, except that a call is done only once it is logged (its
 * events' runs being done means "being processed") and an SMS says what MANGO reported for it.
 */
export function outcomeState(g: Pick<JournalGroup, "category" | "kind" | "status" | "facts">): OutcomeState {
  if (g.status === "failed" || g.status === "rejected") return g.status;
  if (PENDING.has(g.status)) return "pending";
  if (g.category === "call" && g.kind !== "calls.log" && g.status === "done") return "pending";
  if (g.category === "sms" && g.facts.smsStatus) {
    const sms = g.facts.smsStatus;
    return sms === "queued" ? (g.status === "skipped" ? "skipped" : "pending") : sms;
  }
  return g.status === "skipped" ? "skipped" : "done";
}

/** The message key of a row's title: `journal.outcome.<category>.<state>` (other rows use the kind's label). */
export function titleKey(g: JournalGroup, state: OutcomeState): string | null {
  if (g.category === "other") return null;
  if (g.category === "apply" && g.facts.apply?.status === "cancelled") return "apply.cancelled";
  const s = state === "sent" || state === "delivered" ? state : state === "rejected" ? "failed" : state;
  if (g.category !== "sms" && (s === "sent" || s === "delivered")) return `${g.category}.done`;
  return `${g.category}.${s}`;
}
