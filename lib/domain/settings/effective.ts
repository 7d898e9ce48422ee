import { AUTO_CALLBACK_DEFAULT_RATE, type IntegrationSettings, type StageRef } from "./schema";

/**
 * What the integration applies. The stored document keeps a child's value when its parent is turned off
 * (so turning the parent back on restores it); here such a child counts as off. Call handling, the
 * Contact Center and every later feature read this, never the raw document.
 */
export type EffectiveSettings = IntegrationSettings;

/** The dependency tree, parent → children, as dotted paths; the form shows a child only under an on parent. */
export const DEPENDENCIES: Record<string, string[]> = {
  "calls.outgoing.createContact": ["calls.outgoing.createDeal"],
  "calls.missedTasks.enabled": ["calls.missedTasks.responsibleUserId"],
  "calls.saveAllCalls.enabled": ["calls.saveAllCalls.userId"],
  "extra.contactCenter.enabled": [
    "extra.contactCenter.dpTasks.enabled",
    "extra.contactCenter.saveTopics.enabled",
  ],
  "extra.contactCenter.dpTasks.enabled": ["extra.contactCenter.dpTasks.openDealInNewTab"],
  "extra.contactCenter.saveTopics.enabled": [
    "extra.contactCenter.saveTopics.stageIfDeal",
    "extra.contactCenter.saveTopics.stageIfNoDeal",
    "extra.contactCenter.saveTopics.intoOpenDeal",
    "extra.contactCenter.saveTopics.topicsField",
  ],
};

/** Whether call handling can create deals at all; the two deal stages only matter then. */
export function createsDeals(s: IntegrationSettings): boolean {
  return (
    s.calls.newClientAction === "contact_and_deal" ||
    s.calls.repeatClientAction !== "manual" ||
    (s.calls.outgoing.createContact && s.calls.outgoing.createDeal)
  );
}

const stageIf = (on: boolean, stage: StageRef): StageRef => (on ? stage : null);

export function effectiveSettings(s: IntegrationSettings): EffectiveSettings {
  const { calls } = s;
  const cc = s.extra.contactCenter;
  const deals = createsDeals(s);
  const dpTasks = cc.enabled && cc.dpTasks.enabled;
  const saveTopics = cc.enabled && cc.saveTopics.enabled;
  const saveAll = calls.saveAllCalls.enabled && calls.saveAllCalls.userId !== null;
  return {
    ...s,
    calls: {
      ...calls,
      answeredStage: stageIf(deals, calls.answeredStage),
      missedStage: stageIf(deals, calls.missedStage),
      outgoing: {
        createContact: calls.outgoing.createContact,
        createDeal: calls.outgoing.createContact && calls.outgoing.createDeal,
      },
      missedTasks: {
        enabled: calls.missedTasks.enabled,
        responsibleUserId: calls.missedTasks.enabled ? calls.missedTasks.responsibleUserId : null,
      },
      saveAllCalls: { enabled: saveAll, userId: saveAll ? calls.saveAllCalls.userId : null },
      autoCallback: {
        ratePerMinute: calls.autoCallback.ratePerMinute ?? AUTO_CALLBACK_DEFAULT_RATE,
        workingHours: {
          ...calls.autoCallback.workingHours,
          days: [...calls.autoCallback.workingHours.days],
        },
        cooldownMinutes: calls.autoCallback.cooldownMinutes,
      },
    },
    extra: {
      contactCenter: {
        enabled: cc.enabled,
        dpTasks: { enabled: dpTasks, openDealInNewTab: dpTasks && cc.dpTasks.openDealInNewTab },
        saveTopics: {
          enabled: saveTopics,
          stageIfDeal: stageIf(saveTopics, cc.saveTopics.stageIfDeal),
          stageIfNoDeal: stageIf(saveTopics, cc.saveTopics.stageIfNoDeal),
          intoOpenDeal: saveTopics && cc.saveTopics.intoOpenDeal,
          topicsField: saveTopics && cc.saveTopics.topicsField,
        },
      },
    },
    limits: { lines: [...s.limits.lines] },
  };
}

/** Whether a call on this MANGO line is processed ("Ограничения": no line chosen = every line). */
export function isLineProcessed(s: EffectiveSettings, lineNumber: string | null): boolean {
  if (s.limits.lines.length === 0) return true;
  return lineNumber !== null && s.limits.lines.includes(lineNumber);
}
