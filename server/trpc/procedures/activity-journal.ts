import { z } from "zod";
import { activityStatus } from "@/db/schema";
import { listJournal } from "@/server/activity/journal";
import { tenantProcedure } from "../init";

const status = z.enum(activityStatus.enumValues);
const cursor = z.object({ at: z.string().max(40), key: z.string().max(300) });
const step = z.object({
  id: z.string(),
  source: z.enum(["webhook", "job"]),
  kind: z.string(),
  status,
  reason: z.string().nullable(),
  attempts: z.number(),
  createdAt: z.date(),
});
const facts = z.object({
  direction: z.enum(["incoming", "outgoing", "internal", "unknown"]).optional(),
  phone: z.string().nullable().optional(),
  directionNote: z.string().nullable().optional(),
  talked: z.array(z.string()).optional(),
  contactUrl: z.string().nullable().optional(),
  leadUrl: z.string().nullable().optional(),
  leadId: z.number().nullable().optional(),
  smsStatus: z.enum(["queued", "sent", "delivered", "failed", "skipped"]).optional(),
  topics: z
    .object({
      state: z.enum(["waiting", "placing", "saved", "skipped"]),
      nextPollAt: z.string().nullable(),
      leadUrl: z.string().nullable(),
      paths: z.array(z.string()),
      reason: z.string().nullable(),
    })
    .nullable()
    .optional(),
  rules: z
    .array(
      z.object({ name: z.string(), acted: z.boolean(), queued: z.number(), reason: z.string().nullable() }),
    )
    .optional(),
  apply: z
    .object({
      ruleName: z.string().nullable(),
      status: z.enum(["running", "done", "cancelled", "failed"]),
      total: z.number().nullable(),
      processed: z.number(),
      queued: z.number(),
      skipped: z.number(),
      failed: z.number(),
    })
    .optional(),
});
const group = z.object({
  key: z.string(),
  at: z.date(),
  category: z.enum(["call", "sms", "deal", "apply", "other"]),
  entryId: z.string(),
  kind: z.string(),
  status,
  subject: z.string().nullable(),
  reason: z.string().nullable(),
  rawReason: z.string().nullable(),
  hadProblem: z.boolean(),
  facts,
  steps: z.array(step),
});

/** The owner's journal: one row per call, SMS, deal event or application, technical steps inside. */
export const activityJournal = tenantProcedure
  .meta({ access: "tenant", sample: () => ({}) })
  .input(
    z.object({
      problemsOnly: z.boolean().default(false),
      from: z.date().optional(),
      to: z.date().optional(),
      cursor: cursor.optional(),
      limit: z.number().int().min(1).max(100).default(30),
    }),
  )
  .output(z.object({ items: z.array(group), nextCursor: cursor.nullable() }))
  .query(({ ctx, input }) =>
    listJournal(ctx.db, {
      tenantId: ctx.tenant.id,
      amocrmBaseUrl: ctx.tenant.amocrmBaseUrl,
      problemsOnly: input.problemsOnly,
      from: input.from,
      to: input.to,
      cursor: input.cursor,
      limit: input.limit,
    }),
  );
