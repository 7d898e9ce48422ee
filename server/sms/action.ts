import type { SmsAction } from "@/lib/domain/rules/schema";
import type { RuleActionHandler } from "@/server/actions/types";
import { tenantTimeZone } from "@/server/tenancy/queries";
import { sendSmsJob } from "./jobs";
import { sweepSmsNotesJob, writeSmsNotesJob } from "./notes-jobs";
import { NO_AUTHOR_EXTENSION, planSmsAction, ruleSmsOfLeads } from "./plan";
import { smsPreviewOf, smsTemplateProblem } from "./preview";
import { RECIPIENT_ROLE_LABELS } from "./recipients";

/** «Отправлять SMS»: one SMS per recipient from the author's extension (plan.ts), notes afterwards. */
export const smsRuleAction: RuleActionHandler<"sms"> = {
  kind: "sms",
  title: "SMS",
  alreadyDone: "По сделке уже отправлялось SMS этого правила",
  needsExtension: true,
  problem: async (_db, { action }) => smsTemplateProblem(action.template),
  async preview(db, ctx, action: SmsAction) {
    const timezone = await tenantTimeZone(db, { tenantId: ctx.tenantId });
    const p = smsPreviewOf({ truth: ctx.truth, author: ctx.author, sms: action, timezone });
    const skipped = p.skipped.map((s) => `${RECIPIENT_ROLE_LABELS[s.role]}: ${s.reason}`);
    if (!ctx.author.mapped?.extension)
      return { kind: "sms", title: "SMS", would: [], skipped: [NO_AUTHOR_EXTENSION] };
    if (!p.text.ok) return { kind: "sms", title: "SMS", would: [], skipped: [...skipped, p.text.reason] };
    if (p.text.limitReason)
      return { kind: "sms", title: "SMS", would: [], skipped: [...skipped, p.text.limitReason] };
    const would = p.recipients.map(
      (r) =>
        `Отправит SMS от «${action.senderName}» на ${r.phone} (${r.roles.map((x) => RECIPIENT_ROLE_LABELS[x]).join(", ")}): «${p.text.ok ? p.text.text : ""}»`,
    );
    return { kind: "sms", title: "SMS", would, skipped };
  },
  plan: (db, queue, ctx, action) =>
    planSmsAction(db, queue, {
      tenantId: ctx.tenantId,
      rule: ctx.rule,
      action,
      truth: ctx.truth,
      author: ctx.author,
      event: ctx.event,
    }),
  earlier: (db, input) => ruleSmsOfLeads(db, input),
  jobs: [sendSmsJob, writeSmsNotesJob, sweepSmsNotesJob],
};
