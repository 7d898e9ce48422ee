import type { inferRouterInputs } from "@trpc/server";
import { OTHER_VPBX_API_KEY, OTHER_VPBX_API_SALT } from "@/emulators/mango/seed-constants";
import type { ProcedureMeta, SecurityFixture } from "@/server/trpc/init";
import type { AppRouter } from "@/server/trpc/router";
import { VICTIM_MANGO_KEY } from "@/test/security-seed";

/**
 * One case per tRPC procedure for the shared security suite (server/trpc/security.int.test.ts), shaped like
 * the router so TypeScript refuses a missing procedure and types each input; the suite also compares this list
 * with the router it walks at run time. A new procedure adds its case here.
 */
type SecurityCase<Input> = {
  /**
   * Who may call it, read from the procedure's base: tenantProcedure "tenant", adminProcedure "admin",
   * ruleEditorProcedure "extended" (admins, members with a mapped extension). Checked against `meta.access`
   * and against what a member and a caller without a session are answered.
   */
  access: ProcedureMeta["access"];
  /** Inputs beyond `meta.sample` that another tenant tries, naming the victim's rows (test/security-fixture.ts). */
  attacks?: (f: SecurityFixture) => Input[];
  /**
   * Mutations only: the victim's tables whose rows this mutation writes for its own tenant, so a missing
   * tenant filter would reach the victim's. The seed must give the victim rows there (the suite checks).
   */
  targets?: string[];
};

type Inputs = inferRouterInputs<AppRouter>;
export type SecurityCases = { [R in keyof Inputs]: { [P in keyof Inputs[R]]: SecurityCase<Inputs[R][P]> } };

/** The attacker's own PBX on the MANGO emulator (its `other` account). */
export const ATTACKER_MANGO_KEY = { apiKey: OTHER_VPBX_API_KEY, salt: OTHER_VPBX_API_SALT };
const STAGE = { pipelineId: 3_300_000, statusId: 4_400_100 };
const CALLBACK = { kind: "callback", target: { type: "responsible" } } as const;
const MONTH_AGO = () => new Date(Date.now() - 30 * 86_400_000);

export const securityCases: SecurityCases = {
  auth: { devUsers: { access: "public" } },
  me: { get: { access: "protected" } },
  tenant: { get: { access: "tenant" } },
  members: {
    list: { access: "tenant" },
    setRole: {
      access: "admin",
      attacks: (f) => [{ userId: f.ownerUserId, role: "member" }],
      targets: ["memberships", "audit_log"],
    },
  },
  activity: {
    journal: { access: "tenant", attacks: () => [{ problemsOnly: true, from: MONTH_AGO() }] },
    list: { access: "tenant", attacks: () => [{ statuses: ["failed"] }, { kind: "test.security" }] },
    get: { access: "tenant", attacks: (f) => [{ id: f.failedActivityId }] },
    retry: { access: "admin", attacks: (f) => [{ id: f.activityId }], targets: ["activity_log", "job_runs"] },
    kinds: { access: "tenant" },
  },
  calls: {
    list: {
      access: "tenant",
      attacks: (f) => [{ extension: "501" }, { cursor: { at: new Date(), id: f.callId } }],
    },
    daily: { access: "tenant", attacks: () => [{ from: MONTH_AGO(), extension: "501" }] },
    unattributed: {
      access: "tenant",
      attacks: (f) => [{ cursor: { at: new Date(), id: f.callId } }, { limit: 100 }],
    },
  },
  employees: {
    list: { access: "tenant" },
    proposals: { access: "tenant" },
    applyProposals: {
      access: "admin",
      attacks: (f) => [
        { employeeIds: [f.proposedMangoEmployeeId] },
        { employeeIds: [f.mangoEmployeeId, f.linkedMangoEmployeeId] },
      ],
      targets: ["employee_links", "audit_log"],
    },
    link: {
      access: "admin",
      attacks: (f) => [
        { mangoEmployeeId: f.proposedMangoEmployeeId, amoUserId: 9_100_778 },
        { mangoEmployeeId: f.linkedMangoEmployeeId, amoUserId: 2001 },
      ],
      targets: ["employee_links", "audit_log"],
    },
    unlink: {
      access: "admin",
      attacks: (f) => [{ mangoEmployeeId: f.linkedMangoEmployeeId }],
      targets: ["employee_links", "audit_log"],
    },
    resync: {
      access: "admin",
      targets: [
        "mango_employees",
        "mango_groups",
        "amocrm_users",
        "amocrm_pipelines",
        "amocrm_account_state",
      ],
    },
  },
  rules: {
    list: { access: "tenant", attacks: () => [STAGE] },
    save: {
      access: "extended",
      attacks: (f) => [
        {
          id: f.runningRuleId,
          rule: { ...STAGE, trigger: "entered_stage", name: "Чужое", actions: [CALLBACK] },
        },
        // Its own new rule, applied to current deals: the write and the application the save starts.
        {
          rule: {
            ...STAGE,
            trigger: "entered_stage",
            name: "Своё",
            applyToCurrentDeals: true,
            actions: [CALLBACK],
          },
        },
      ],
      targets: ["rules", "rule_applications", "audit_log", "job_runs"],
    },
    delete: {
      access: "extended",
      attacks: (f) => [{ id: f.runningRuleId }],
      targets: ["rules", "rule_applications", "sms_messages"],
    },
    editorContext: { access: "tenant" },
    stageDeals: { access: "extended", attacks: () => [{ ...STAGE, query: "Альфа" }] },
    // A mutation only for its POST body: it reads amoCRM and writes nothing.
    preview: { access: "extended", targets: [] },
    dryRun: { access: "extended", targets: [] },
    applyStatus: { access: "tenant", attacks: (f) => [{ ruleId: f.runningRuleId }] },
    applyCancel: {
      access: "extended",
      attacks: (f) => [{ ruleId: f.runningRuleId }],
      targets: ["rule_applications"],
    },
    callbackOptions: { access: "tenant" },
    campaignOptions: { access: "tenant" },
  },
  campaigns: {
    alerts: { access: "tenant" },
    technicalTasks: { access: "tenant" },
  },
  callbacks: {
    queue: { access: "tenant", attacks: () => [{ queuedOffset: 0, finishedOffset: 0 }] },
    count: { access: "tenant" },
    clear: { access: "extended", targets: ["callback_queue", "audit_log"] },
    remove: { access: "extended", targets: ["callback_queue", "audit_log"] },
    callNow: { access: "extended", targets: ["callback_queue", "audit_log"] },
    pauseRule: { access: "extended", targets: ["callback_rule_pauses", "audit_log"] },
    resumeRule: { access: "extended", targets: ["callback_rule_pauses", "audit_log"] },
    daily: { access: "tenant", attacks: () => [{ from: MONTH_AGO() }] },
  },
  sms: {
    list: { access: "tenant", attacks: (f) => [{ ruleId: f.ruleId }, { search: "0377" }] },
    daily: { access: "tenant", attacks: (f) => [{ from: MONTH_AGO(), ruleId: f.ruleId }] },
  },
  settings: {
    get: { access: "tenant" },
    save: { access: "admin", targets: ["integration_settings", "audit_log"] },
  },
  mango: {
    status: { access: "tenant" },
    // The victim's PBX key is refused as another tenant's PBX; the attacker's own reconnects and syncs.
    connect: {
      access: "admin",
      attacks: () => [VICTIM_MANGO_KEY, ATTACKER_MANGO_KEY],
      targets: ["mango_connections", "tenant_secrets", "mango_employees", "mango_groups", "audit_log"],
    },
    disconnect: { access: "admin", targets: ["mango_connections", "tenant_secrets", "audit_log"] },
  },
  onboarding: {
    checklist: { access: "tenant" },
    ensureCcFields: { access: "admin", targets: ["amocrm_account_state"] },
  },
  widget: {
    status: { access: "tenant" },
    stage: { access: "tenant", attacks: () => [STAGE] },
  },
};

/** The cases by dotted path, as the router names its procedures. */
export function casesByPath(): Map<string, SecurityCase<unknown>> {
  const out = new Map<string, SecurityCase<unknown>>();
  for (const [routerName, procedures] of Object.entries(securityCases))
    for (const [name, c] of Object.entries(procedures as Record<string, SecurityCase<unknown>>))
      out.set(`${routerName}.${name}`, c);
  return out;
}
