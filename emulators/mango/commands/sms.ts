import { type Handler, ok, str } from "../context";
import { mangoNumber } from "../simulator/incoming";
import type { SmsRule } from "../state";
import { postResult } from "./calls";

/**
 * commands/sms (SPEC §3.2.4): ack → result/sms (command outcome: 1000, 3100 bad params, 4300 not sent) →
 * if sent, events/sms a few seconds later with the delivery `reason` (1000 delivered or 43xx).
 * Delivery outcome per destination is set through /__control/sms-outcomes.
 */

const CYRILLIC = /[\u0400-\u04FF]/;
/** 4 segments: 268 chars when the text needs UCS-2 (Cyrillic), 612 for Latin (GSM-7). */
const MAX_CYRILLIC = 268;
const MAX_LATIN = 612;
const DELIVERY_REPORT_DELAY_MS = 3000;

function pickRule(rules: SmsRule[], to: string): SmsRule | undefined {
  const idx = rules.findIndex((r) => r.toNumber === null || mangoNumber(r.toNumber) === mangoNumber(to));
  const rule = rules[idx];
  if (rule?.remaining !== undefined) {
    rule.remaining -= 1;
    if (rule.remaining <= 0) rules.splice(idx, 1);
  }
  return rule;
}

export const sms: Handler = (ctx, pbx, body) => {
  const commandId = str(body, "command_id");
  const text = str(body, "text", true);
  const fromExt = str(body, "from_extension", true);
  const to = str(body, "to_number", true);
  const sender = str(body, "sms_sender");
  const fromOk = pbx.employees.some(
    (e) => e.extension === fromExt || e.numbers.some((n) => mangoNumber(n.number) === mangoNumber(fromExt)),
  );
  const toIsShort = pbx.employees.some((e) => e.extension === to);
  const tooLong = text.length > (CYRILLIC.test(text) ? MAX_CYRILLIC : MAX_LATIN);
  const senderOk = sender === undefined || pbx.smsSenders.includes(sender);
  let result = fromOk && !toIsShort && !tooLong && senderOk ? 1000 : 3100;
  const rule = result === 1000 ? pickRule(ctx.state.settings.smsRules, to) : undefined;
  if (rule?.result !== undefined) result = rule.result;
  postResult(ctx, pbx, "result/sms", commandId, result);
  if (result === 1000) {
    const reason = rule?.reason ?? 1000;
    ctx.clock.schedule(ctx.clock.now() + DELIVERY_REPORT_DELAY_MS, () => {
      const p = ctx.state.byId(pbx.id);
      if (!p) return;
      const payload: Record<string, unknown> = {};
      if (commandId !== undefined) payload.command_id = commandId;
      payload.timestamp = ctx.clock.nowSeconds();
      payload.reason = reason;
      ctx.delivery.send(p, "events/sms", payload);
    });
  }
  return ok({ result: 1000 });
};
