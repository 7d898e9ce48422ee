import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  amocrmUsers,
  employeeLinks,
  type MemberRole,
  mangoEmployees,
  smsMessages,
  type Tenant,
} from "@/db/schema";
import { senderNameSchema } from "@/lib/domain/rules/bounds";
import { smsMacroCatalogue } from "@/lib/domain/sms/macros";
import { type AmoCustomField, AmocrmError } from "@/server/amocrm";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { directorySyncedAt, listPipelines } from "@/server/directory/amocrm-sync";
import { hasExtendedIntegration } from "@/server/employees/queries";
import { logger } from "@/server/log/logger";
import { employeeSmsAvailability, type SmsEmployee } from "@/server/sms/recipients";
import { listRules } from "./store";

/**
 * What the rules editor (the Правила page and the widget's DP iframe) needs besides the rules: the stages,
 * who can receive an employee SMS and why not, the fields for macros and conditions, the sender names and
 * whether the caller may save at all — so the editor explains a refusal before the server gives it.
 */

/** Why an employee gets no SMS: no paired extension, no mobile on it, or a mobile that is not a number. */
export type SmsUnavailableCode = "no_extension" | "no_mobile" | "bad_mobile";

export type EmployeeSmsStatus = {
  amoUserId: number;
  name: string;
  extension: string | null;
  available: boolean;
  code: SmsUnavailableCode | null;
  /** Russian, as the journal says it when the SMS is skipped. */
  reason: string | null;
};

export function employeeSmsStatus(employee: SmsEmployee): EmployeeSmsStatus {
  const availability = employeeSmsAvailability(employee);
  const extension = employee.mapped?.extension ?? null;
  const code: SmsUnavailableCode | null = availability.available
    ? null
    : !extension
      ? "no_extension"
      : employee.mapped?.mobile?.trim()
        ? "bad_mobile"
        : "no_mobile";
  return {
    amoUserId: employee.amoUserId,
    name: availability.name ?? `#${employee.amoUserId}`,
    extension,
    available: availability.available,
    code,
    reason: availability.available ? null : availability.reason,
  };
}

/**
 * Who may change rules: admins, and members with a mapped extension (they answer for the SMS that go out
 * from their number). A rule with a PBX action (SMS, callback, campaign) needs the saver's extension
 * whatever the role — checked in `rules.save`.
 */
export async function ruleEditPermission(
  db: Db,
  { tenantId, role, amoUserId }: { tenantId: string; role: MemberRole; amoUserId: number },
) {
  const hasExtension = await hasExtendedIntegration(db, { tenantId, amoUserId });
  return { hasExtension, canEdit: role !== "member" || hasExtension };
}

/** Active amoCRM users of the tenant with the MANGO employee they are paired with (if still in the PBX). */
async function smsEmployees(db: Db, tenantId: string): Promise<SmsEmployee[]> {
  const rows = await db
    .select({
      amoUserId: amocrmUsers.amoUserId,
      name: amocrmUsers.name,
      isActive: amocrmUsers.isActive,
      extension: mangoEmployees.extension,
      mobile: mangoEmployees.mobile,
      employeeName: mangoEmployees.name,
    })
    .from(amocrmUsers)
    .leftJoin(
      employeeLinks,
      and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.amoUserId, amocrmUsers.amoUserId)),
    )
    .leftJoin(
      mangoEmployees,
      and(
        eq(mangoEmployees.tenantId, tenantId),
        eq(mangoEmployees.id, employeeLinks.mangoEmployeeId),
        eq(mangoEmployees.isPresent, true),
      ),
    )
    .where(and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.isActive, true)))
    .orderBy(amocrmUsers.name);
  return rows.map((r) => ({
    amoUserId: r.amoUserId,
    name: r.name,
    mapped:
      r.extension !== null || r.employeeName !== null
        ? { extension: r.extension, mobile: r.mobile, name: r.employeeName }
        : null,
  }));
}

export type FieldsProblem = "reconnect" | "unavailable";

type FieldOption = { id: number; name: string; type: string; enums: { id: number; value: string }[] };
const toOption = (f: AmoCustomField): FieldOption => ({
  id: f.id,
  name: f.name,
  type: f.type,
  enums: f.enums.map((e) => ({ id: e.id, value: e.value })),
});

/** Deal and contact custom fields, read live (amoCRM has no webhook for a renamed field). */
async function customFields(db: Db, tenant: Pick<Tenant, "id" | "amocrmBaseUrl">) {
  try {
    const amo = amocrmClientFor(db, tenant);
    const [lead, contact] = await Promise.all([
      amo.listCustomFields("leads"),
      amo.listCustomFields("contacts"),
    ]);
    return { lead, contact, problem: null };
  } catch (err) {
    if (!(err instanceof TenantNeedsReconnectError || err instanceof AmocrmError)) throw err;
    // The editor still opens: the fixed macros and the other conditions do not need amoCRM.
    logger.warn(
      { tenantId: tenant.id, err: (err as Error).message },
      "rules editor: custom fields unavailable",
    );
    const problem: FieldsProblem = err instanceof TenantNeedsReconnectError ? "reconnect" : "unavailable";
    return { lead: [] as AmoCustomField[], contact: [] as AmoCustomField[], problem };
  }
}

/**
 * MANGO OFFICE has no API that lists an account's SMS sender names (mango-api.md §2.4 only says
 * `sms_sender` is "a default name, an industry name or a confirmed unique name, depending on what the LK
 * allows"; they are set up in ВАТС ЛК → Общие настройки → Дополнительные настройки → «Отправка SMS»,
 * mango-cc-and-widget.md §2.19). So the editor offers the names this account is known to have: first those
 * MANGO accepted (an SMS of the account went out with it), then those its rules use — only names a rule may
 * be saved with (an alpha-name, bounds.ts) — and lets the admin type another, held to the same bound. MANGO
 * refuses an unknown one (result 3100), which the SMS log explains (server/sms/refusals.ts).
 */
async function knownSenderNames(db: Db, tenantId: string): Promise<string[]> {
  const accepted = await db
    .selectDistinct({ name: smsMessages.senderName })
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.tenantId, tenantId),
        isNotNull(smsMessages.senderName),
        inArray(smsMessages.status, ["sent", "delivered"]),
      ),
    );
  const inRules = new Set<string>();
  for (const rule of await listRules(db, { tenantId }))
    for (const action of rule.actions) if (action.kind === "sms") inRules.add(action.senderName);
  const byName = (a: string, b: string) => a.localeCompare(b);
  const valid = (name: string) => senderNameSchema.safeParse(name).success;
  const first = accepted
    .map((r) => r.name!)
    .filter(valid)
    .sort(byName);
  const rest = [...inRules].filter((n) => valid(n) && !first.includes(n)).sort(byName);
  return [...first, ...rest];
}

export async function ruleEditorContext(
  db: Db,
  input: {
    tenant: Pick<Tenant, "id" | "amocrmBaseUrl">;
    role: MemberRole;
    user: { amocrmUserId: number; name: string };
  },
) {
  const tenantId = input.tenant.id;
  const [pipelines, syncedAt, employees, fields, senders, permission] = await Promise.all([
    listPipelines(db, { tenantId }),
    directorySyncedAt(db, { tenantId }),
    smsEmployees(db, tenantId),
    customFields(db, input.tenant),
    knownSenderNames(db, tenantId),
    ruleEditPermission(db, { tenantId, role: input.role, amoUserId: input.user.amocrmUserId }),
  ]);
  const users = employees.map(employeeSmsStatus);
  // The caller may be missing from the cached directory (signed in before the last sync): their pairing
  // still decides "лично мне".
  const me =
    users.find((u) => u.amoUserId === input.user.amocrmUserId) ??
    employeeSmsStatus({
      amoUserId: input.user.amocrmUserId,
      name: input.user.name,
      mapped: null,
    });
  return {
    pipelines: pipelines.map((p) => ({
      id: p.pipelineId,
      name: p.name,
      isMain: p.isMain,
      statuses: p.statuses.map((s) => ({ id: s.id, name: s.name, type: s.type, color: s.color ?? null })),
    })),
    directorySyncedAt: syncedAt,
    users,
    fields: {
      problem: fields.problem,
      lead: fields.lead.map(toOption),
      contact: fields.contact.map(toOption),
    },
    macros: smsMacroCatalogue({ lead: fields.lead, contact: fields.contact }).map((g) => ({
      group: g.group,
      macros: g.macros.map((m) => ({ key: m.key, token: m.token, label: m.label, example: m.example })),
    })),
    senderNames: senders,
    me: {
      amoUserId: input.user.amocrmUserId,
      name: input.user.name,
      role: input.role,
      hasExtension: permission.hasExtension,
      canEdit: permission.canEdit,
      sms: me,
    },
  };
}

export type RuleEditorContext = Awaited<ReturnType<typeof ruleEditorContext>>;
