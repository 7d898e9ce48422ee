// Test support: rules and deal snapshots with only what a test cares about spelled out.

import { type Rule, type RuleDraft, ruleSchema } from "@/lib/domain/rules/schema";
import type { AmoCustomFieldValue } from "@/server/amocrm/transform";
import type { DealEvent, DealSnapshot } from "@/server/rules/snapshot";

export const NEGOTIATION = { pipelineId: 3_300_000, statusId: 4_400_100 }; // stage "Переговоры"

export const RESPONSIBLE_CHANGED: DealEvent = {
  trigger: "responsible_changed",
  ...NEGOTIATION,
  occurrence: "test:1",
};

export const CLIENT_SMS = {
  kind: "sms",
  recipients: ["client"],
  senderName: "AMANGO",
  template:
    "Добрый день, {{maincontact.name}}! Ваш персональный менеджер {{user.name}}, тел. +74 955 404 444, доб.{{user.phone}}",
} as const;

let seq = 0;

/** A stored rule on "Переговоры" with the given parts (parsed, so defaults apply as in production). */
export function rule(draft: Partial<RuleDraft> & Pick<RuleDraft, "trigger">): Rule {
  seq += 1;
  return ruleSchema.parse({
    version: 1,
    id: `rule-${seq}`,
    authorAmoUserId: 501,
    ...NEGOTIATION,
    actions: [CLIENT_SMS],
    ...draft,
  });
}

export function field(fieldId: number, fieldName: string, ...values: unknown[]): AmoCustomFieldValue {
  return {
    fieldId,
    fieldCode: null,
    fieldName,
    values: values.map((value) => ({ value, enumId: null, enumCode: null })),
  };
}

export function deal(over: Partial<DealSnapshot["deal"]> = {}, event = RESPONSIBLE_CHANGED): DealSnapshot {
  return {
    deal: {
      id: 9001,
      name: "Поставка",
      price: 60_000,
      ...NEGOTIATION,
      responsibleUserId: 502,
      responsibleUserName: "Лопаткин Василий",
      tags: ["vip"],
      customFields: [],
      ...over,
    },
    mainContact: { id: 7001, name: "Олег", phones: [{ value: "+79161234567", enumCode: "MOB" }] },
    event,
  };
}
