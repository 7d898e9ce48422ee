import { z } from "zod";
import { MATCH_REASONS } from "./matching";

/** Inputs: ids picked from the page's lists, bounded like every input, with Russian messages. */
export const employeeIdInput = z.uuid({ error: "Сотрудник MANGO OFFICE: неверный идентификатор" });
export const amoUserIdInput = z
  .number({ error: "Пользователь amoCRM: нужен идентификатор" })
  .int({ error: "Пользователь amoCRM: идентификатор — целое число" })
  .positive({ error: "Пользователь amoCRM: идентификатор не может быть отрицательным или нулём" });
export const EMPLOYEE_IDS_MAX = 2000;
export const employeeIdsInput = z
  .array(employeeIdInput)
  .max(EMPLOYEE_IDS_MAX, { error: `Принять можно не больше ${EMPLOYEE_IDS_MAX} предложений за раз` });

/** Output shapes of the employees procedures (zod at the edge), shared by the procedures and the UI types. */

export const matchReasonSchema = z.enum(MATCH_REASONS);
export const linkSourceSchema = z.enum([...MATCH_REASONS, "manual"]);

export const directorySchema = z.object({
  employees: z.array(
    z.object({
      id: z.string(),
      extension: z.string().nullable(),
      name: z.string(),
      email: z.string().nullable(),
      mobile: z.string().nullable(),
      /** MANGO groups by id with their cached name (null: not in the cache, e.g. before a re-sync). */
      groups: z.array(z.object({ id: z.number(), name: z.string().nullable() })),
      isPresent: z.boolean(),
      link: z
        .object({
          amoUserId: z.number(),
          userName: z.string().nullable(),
          userActive: z.boolean(),
          source: linkSourceSchema,
        })
        .nullable(),
    }),
  ),
  users: z.array(
    z.object({
      amoUserId: z.number(),
      name: z.string(),
      email: z.string().nullable(),
      groupName: z.string().nullable(),
      isAdmin: z.boolean(),
      isActive: z.boolean(),
      linkedEmployeeId: z.string().nullable(),
    }),
  ),
});

const employeeRef = z.object({ id: z.string(), extension: z.string().nullable(), name: z.string() });
const userRef = z.object({ amoUserId: z.number(), name: z.string() });

export const proposalsSchema = z.object({
  proposals: z.array(
    z.object({
      employee: employeeRef,
      user: userRef,
      reason: matchReasonSchema,
      /** 0…1; 1 for e-mail and mobile, name similarity otherwise. */
      confidence: z.number().min(0).max(1),
    }),
  ),
  conflicts: z.array(
    z.object({ reason: matchReasonSchema, employees: z.array(employeeRef), users: z.array(userRef) }),
  ),
});

const failed = z.object({ ok: z.literal(false), error: z.string() });
const names = z.array(z.string());

export const resyncReportSchema = z.object({
  mango: z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), added: names, removed: names, changed: names, total: z.number() }),
    failed,
  ]),
  amocrm: z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), added: names, changed: names, deactivated: names, total: z.number() }),
    failed,
  ]),
  links: z.object({
    kept: z.number(),
    stale: z.array(
      z.object({
        employeeName: z.string(),
        userName: z.string(),
        why: z.enum(["employeeGone", "userInactive"]),
      }),
    ),
  }),
});
