import { z } from "zod";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { settingsOptions } from "@/server/settings/options";
import { getSettings } from "@/server/settings/queries";
import { tenantProcedure } from "../init";

const stage = z.object({ id: z.number(), name: z.string() });

/** The settings form: the tenant's document (defaults when unsaved) and what its fields choose from. */
export const settingsGet = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      settings: settingsDocumentSchema,
      version: z.number().int(),
      updatedAt: z.date().nullable(),
      canEdit: z.boolean(),
      options: z.object({
        pipelines: z.array(
          z.object({ id: z.number(), name: z.string(), isMain: z.boolean(), statuses: z.array(stage) }),
        ),
        users: z.array(z.object({ id: z.number(), name: z.string() })),
        directorySyncedAt: z.date().nullable(),
        lines: z.object({
          available: z.boolean(),
          reason: z.enum(["not_connected", "unavailable"]).optional(),
          lines: z.array(
            z.object({ number: z.string(), name: z.string().nullable(), comment: z.string().nullable() }),
          ),
        }),
      }),
    }),
  )
  .query(async ({ ctx }) => {
    const tenantId = ctx.tenant.id;
    const [stored, options] = await Promise.all([
      getSettings(ctx.db, { tenantId }),
      settingsOptions(ctx.db, { tenantId }),
    ]);
    return { ...stored, canEdit: ctx.role !== "member", options };
  });
