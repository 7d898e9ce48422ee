import { z } from "zod";
import { activityStatus } from "@/db/schema";
import { CALL_RESULTS, PAGE_DIRECTIONS } from "@/server/calls/page/filters";
import { listCallsPage } from "@/server/calls/page/list";
import { tenantProcedure } from "../init";

/** Filters shared with `calls.daily`. */
export const callsFilterInput = z.object({
  /** Not `direction`: tRPC's infinite queries put their own `direction` (forward/backward) in the input. */
  callDirection: z.enum(PAGE_DIRECTIONS).optional(),
  /** The employee's extension: calls they answered or placed, unanswered calls that rang on it. */
  extension: z.string().trim().min(1).max(32).optional(),
  result: z.enum(CALL_RESULTS).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

const cursor = z.object({ at: z.date(), id: z.uuid() });

const item = z.object({
  id: z.string(),
  at: z.date(),
  direction: z.enum(["incoming", "outgoing", "unknown"]),
  finished: z.boolean(),
  clientPhone: z.string().nullable(),
  extension: z.string().nullable(),
  employeeName: z.string().nullable(),
  amoUserName: z.string().nullable(),
  talkSeconds: z.number(),
  result: z.enum(CALL_RESULTS),
  contactUrl: z.string().nullable(),
  logEntry: z.object({ id: z.string(), status: z.enum(activityStatus.enumValues) }).nullable(),
  /** «Тематики КЦ» of the call (server/topics/view.ts); null when nothing is being saved for it. */
  topics: z
    .object({
      state: z.enum(["waiting", "placing", "saved", "skipped"]),
      nextPollAt: z.string().nullable(),
      leadId: z.number().nullable(),
      topicPaths: z.array(z.string()),
      comment: z.string().nullable(),
      reason: z.string().nullable(),
      dealUrl: z.string().nullable(),
    })
    .nullable(),
});

/** Звонки: the tenant's calls, newest first, the client number masked. */
export const callsList = tenantProcedure
  .meta({ access: "tenant", sample: () => ({}) })
  .input(
    callsFilterInput.extend({
      cursor: cursor.optional(),
      limit: z.number().int().min(1).max(100).default(50),
    }),
  )
  .output(z.object({ items: z.array(item), nextCursor: cursor.nullable() }))
  .query(({ ctx, input }) =>
    listCallsPage(ctx.db, {
      tenantId: ctx.tenant.id,
      amocrmBaseUrl: ctx.tenant.amocrmBaseUrl,
      direction: input.callDirection,
      extension: input.extension,
      result: input.result,
      from: input.from,
      to: input.to,
      cursor: input.cursor,
      limit: input.limit,
    }),
  );
