import { z } from "zod";
import { ruleEditorContext } from "@/server/rules/editor";
import { tenantProcedure } from "../init";

const option = z.object({ id: z.number(), value: z.string() });
const field = z.object({ id: z.number(), name: z.string(), type: z.string(), enums: z.array(option) });
const smsStatus = z.object({
  amoUserId: z.number(),
  name: z.string(),
  extension: z.string().nullable(),
  available: z.boolean(),
  code: z.enum(["no_extension", "no_mobile", "bad_mobile"]).nullable(),
  reason: z.string().nullable(),
});

/**
 * Everything the rules editor chooses from (portal page and DP iframe): stages, users with whether an SMS
 * can reach them, custom fields, macros, known sender names, and whether the caller may save and why not.
 */
export const rulesEditorContext = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      pipelines: z.array(
        z.object({
          id: z.number(),
          name: z.string(),
          isMain: z.boolean(),
          statuses: z.array(
            z.object({ id: z.number(), name: z.string(), type: z.string(), color: z.string().nullable() }),
          ),
        }),
      ),
      directorySyncedAt: z.date().nullable(),
      users: z.array(smsStatus),
      fields: z.object({
        problem: z.enum(["reconnect", "unavailable"]).nullable(),
        lead: z.array(field),
        contact: z.array(field),
      }),
      macros: z.array(
        z.object({
          group: z.enum(["lead", "maincontact", "user"]),
          macros: z.array(
            z.object({ key: z.string(), token: z.string(), label: z.string(), example: z.string() }),
          ),
        }),
      ),
      senderNames: z.array(z.string()),
      me: z.object({
        amoUserId: z.number(),
        name: z.string(),
        role: z.enum(["owner", "admin", "member"]),
        hasExtension: z.boolean(),
        canEdit: z.boolean(),
        sms: smsStatus,
      }),
    }),
  )
  .query(({ ctx }) =>
    ruleEditorContext(ctx.db, {
      tenant: ctx.tenant,
      role: ctx.role,
      user: { amocrmUserId: ctx.user.amocrmUserId, name: ctx.user.name },
    }),
  );
