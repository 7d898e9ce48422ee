import { z } from "zod";

/** Validation of control-API bodies (clear 400s instead of half-applied settings). */

export const clockSchema = z.object({
  set: z.union([z.number(), z.string()]).optional(),
  advance: z.number().nonnegative().optional(),
  freeze: z.boolean().optional(),
  speed: z.number().positive().optional(),
  flush: z.boolean().optional(),
});

export const faultsSchema = z.object({
  duplicateEvents: z.boolean().optional(),
  outOfOrder: z.boolean().optional(),
  latencyMs: z.number().nonnegative().optional(),
  webhookLatencyMs: z.number().nonnegative().optional(),
  untidyEvents: z.boolean().optional(),
  apiFailures: z
    .object({
      remaining: z.number().int().positive(),
      status: z.number().int().min(500).max(599),
      paths: z.array(z.string()).nullable().default(null),
    })
    .nullable()
    .optional(),
});

export const outcomeRule = z.object({
  toNumber: z.string().nullable().default(null),
  outcome: z.enum(["answered", "client_no_answer", "client_busy", "operator_no_answer", "operator_busy"]),
  talkSeconds: z.number().nonnegative().optional(),
  recorded: z.boolean().optional(),
  remaining: z.number().int().positive().optional(),
});

export const smsRule = z.object({
  toNumber: z.string().nullable().default(null),
  reason: z.number().int().default(1000),
  result: z.number().int().optional(),
  remaining: z.number().int().positive().optional(),
});

/** A КЦ topic for /__control/pbx/:id/tags (the /vpbx/cc/tags/ item; `category` 4 = outbound in a campaign). */
export const ccTagInput = z.object({
  id: z.number().int().positive(),
  parent: z.number().int().nullable().default(null),
  name: z.string().min(1),
  is_folder: z.union([z.boolean(), z.literal(0), z.literal(1)]).default(0),
  category: z.number().int().default(-1),
  groups: z.array(z.number().int()).nullable().default([0]),
  campaigns: z.array(z.number().int()).nullable().default([0]),
});
