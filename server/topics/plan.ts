// The pure decisions of saving a Contact Center call's topics: when MANGO is asked next, where the note goes,
// what it says. No I/O here, so every rule is unit-tested (plan.test.ts).
import type { StageRef } from "@/lib/domain/settings/schema";

/** MANGO's own widget saves topics within an hour of the call's start (mango-cc-and-widget.md §2.8). */
export const TOPICS_WINDOW_S = 3600;

/**
 * Seconds from the summary (poll 0) or the previous poll to the next one: soon after the call (the operator
 * often picks the topics while the client is still on the line), then spaced out to every 10 minutes.
 */
const POLL_STEPS_S = [60, 120, 180, 300, 600] as const;

export const pollDelayS = (polls: number) => POLL_STEPS_S[Math.min(polls, POLL_STEPS_S.length - 1)]!;

/**
 * When to ask again after `polls` questions that found nothing, or null once the window is over. The last
 * question is asked at the deadline itself, so topics saved in the last minutes are not missed.
 */
export function nextPollAt(polls: number, deadline: Date, now: Date): Date | null {
  if (now.getTime() >= deadline.getTime()) return null;
  return new Date(Math.min(now.getTime() + pollDelayS(polls) * 1000, deadline.getTime()));
}

export const GAVE_UP_REASON = "тематики не появились за час";

/** What the client has in amoCRM when the topics are placed. */
export type KnownClient = {
  contactId: number;
  /** The client's open deals, newest first. */
  openLeadIds: number[];
} | null;

export type Placement =
  /** The deal call logging made for this very call (no second deal for one call), moved to the topics' stage. */
  | { kind: "call_log_deal"; leadId: number; stage: StageRef }
  | { kind: "open_deal"; leadId: number }
  | { kind: "new_deal"; contactId: number; stage: StageRef }
  | { kind: "new_contact"; stage: StageRef };

/**
 * Seed §2.8: an unknown number gets a contact and a deal at «Если нет сделки»; a known client with no open
 * deal a new deal there; a known client with an open deal another new deal at «Если есть сделка» — or,
 * with ★ «Сохранять в открытую сделку», the note goes into that open deal (the newest one).
 */
export function placeTopics(o: {
  callLogLeadId: number | null;
  client: KnownClient;
  settings: { stageIfDeal: StageRef; stageIfNoDeal: StageRef; intoOpenDeal: boolean };
}): Placement {
  if (o.callLogLeadId !== null) {
    // It takes the stage a deal made here would: «Если есть сделка» only when the client has another open one.
    const others = (o.client?.openLeadIds ?? []).filter((id) => id !== o.callLogLeadId);
    const stage = others.length > 0 ? o.settings.stageIfDeal : o.settings.stageIfNoDeal;
    return { kind: "call_log_deal", leadId: o.callLogLeadId, stage };
  }
  if (!o.client) return { kind: "new_contact", stage: o.settings.stageIfNoDeal };
  const open = o.client.openLeadIds[0];
  if (open === undefined)
    return { kind: "new_deal", contactId: o.client.contactId, stage: o.settings.stageIfNoDeal };
  if (o.settings.intoOpenDeal) return { kind: "open_deal", leadId: open };
  return { kind: "new_deal", contactId: o.client.contactId, stage: o.settings.stageIfDeal };
}

/** The marker a retried run looks for among the deal's notes before writing the note again. */
export const noteMarker = (entryId: string) => `ID звонка MANGO OFFICE: ${entryId}`;

/** The note written into the deal: the topics by their paths, the operator's comment, the call. */
export function topicsNoteText(o: {
  paths: string[];
  comments: string[];
  campaignName: string | null;
  callAt: string | null;
  entryId: string;
}): string {
  const head = o.campaignName
    ? `Звонок Контакт-центра, кампания «${o.campaignName}»`
    : "Звонок Контакт-центра";
  const lines = [o.callAt ? `${head}, ${o.callAt}` : head];
  lines.push(o.paths.length > 0 ? `Тематики: ${o.paths.join("; ")}` : "Тематики: не выбраны");
  const comment = o.comments
    .map((c) => c.trim())
    .filter(Boolean)
    .join("\n");
  lines.push(comment ? `Комментарий оператора: ${comment}` : "Комментарий оператора: нет");
  lines.push(noteMarker(o.entryId));
  return lines.join("\n");
}
