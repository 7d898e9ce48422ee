import { z } from "zod";
import { listSmsHistory, SMS_ROLES, SMS_STATUSES } from "@/server/sms/history";
import { tenantProcedure } from "../init";

/** Filters shared with `sms.daily`. */
export const smsFilterInput = z.object({
  status: z.enum(SMS_STATUSES).optional(),
  ruleId: z.uuid().optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  /** The last 2–4 digits of the recipient's number, the whole number, or a deal id; separators a person types are allowed. */
  search: z
    .string()
    .trim()
    .max(32)
    .regex(/^[\d\s()+-]*$/)
    .optional(),
});

const cursor = z.object({ at: z.date(), id: z.uuid() });

const item = z.object({
  id: z.string(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  /** Masked: "+7 916 ***-**-67". */
  phone: z.string(),
  roles: z.array(z.enum(SMS_ROLES)),
  rule: z.object({ id: z.string(), name: z.string() }).nullable(),
  leadId: z.number().nullable(),
  leadUrl: z.string().nullable(),
  status: z.enum(SMS_STATUSES),
  reason: z.string().nullable(),
  text: z.string(),
  segments: z.number().int(),
  senderName: z.string().nullable(),
});

/** SMS: every SMS the tenant's rules sent or skipped, newest first, the recipient's number masked. */
export const smsList = tenantProcedure
  .meta({ access: "tenant", sample: () => ({}) })
  .input(
    smsFilterInput.extend({
      cursor: cursor.optional(),
      limit: z.number().int().min(1).max(100).default(50),
    }),
  )
  .output(z.object({ items: z.array(item), nextCursor: cursor.nullable() }))
  .query(({ ctx, input }) =>
    listSmsHistory(ctx.db, {
      tenantId: ctx.tenant.id,
      amocrmBaseUrl: ctx.tenant.amocrmBaseUrl,
      status: input.status,
      ruleId: input.ruleId,
      from: input.from,
      to: input.to,
      search: input.search,
      cursor: input.cursor,
      limit: input.limit,
    }),
  );
