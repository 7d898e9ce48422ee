import { z } from "zod";
import { listUnattributedCalls } from "@/server/calls/write/unattributed";
import { tenantProcedure } from "../init";

const cursor = z.object({ at: z.date(), id: z.uuid() });

const item = z.object({
  id: z.string(),
  at: z.date(),
  direction: z.enum(["incoming", "outgoing", "unknown"]),
  answered: z.boolean(),
  clientPhone: z.string().nullable(),
  extensions: z.array(
    z.object({
      extension: z.string(),
      mangoEmployeeId: z.string().nullable(),
      employeeName: z.string().nullable(),
      isPresent: z.boolean(),
      amoUserName: z.string().nullable(),
    }),
  ),
});

/**
 * «Неразобранные звонки»: calls not written to amoCRM because no extension of theirs is paired with an
 * amoCRM user, newest first, the client number masked. Pairing one (employees.link) logs them again.
 */
export const callsUnattributed = tenantProcedure
  .meta({ access: "tenant", sample: () => ({}) })
  .input(
    z.object({
      cursor: cursor.optional(),
      limit: z.number().int().min(1).max(100).default(20),
    }),
  )
  .output(z.object({ items: z.array(item), nextCursor: cursor.nullable() }))
  .query(({ ctx, input }) =>
    listUnattributedCalls(ctx.db, { tenantId: ctx.tenant.id, cursor: input.cursor, limit: input.limit }),
  );
