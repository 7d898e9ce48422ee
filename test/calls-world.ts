// Integration-test support for call logging: a tenant connected to both emulators (amoCRM by its OAuth,
// MANGO by the demo key), MANGO's events delivered over HTTP to our intake, extensions paired with amoCRM
// users, settings written as the portal would store them.
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import {
  callLogs,
  calls,
  employeeLinks,
  integrationSettings,
  jobRuns,
  mangoEmployees,
  type Tenant,
} from "@/db/schema";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { type MangoEmulator, startMangoEmulator } from "@/emulators/mango/server";
import { type IntegrationSettingsInput, settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { attachRecording, writeCallJob } from "@/server/calls/jobs";
import { amocrmClientFor, saveAmocrmTokens } from "@/server/connections/amocrm";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { connectMango } from "@/server/onboarding/mango-connect";
import { createTenant } from "@/server/tenancy/queries";
import { connect, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, drainJobs, type TestDb } from "@/test/db";
import { serveMangoIntake } from "@/test/mango-intake-bridge";

/** Extension → amoCRM user, as the Сотрудники page would pair them. 103 stays unpaired. */
export const PAIRS = { "101": 8238874, "102": 32321 } as const;
export const ANSWERED_STAGE = { pipelineId: 3383152, statusId: 33929752 };
export const MISSED_STAGE = { pipelineId: 47521, statusId: 525743 };

type Json = Record<string, unknown>;
export type AmoState = {
  contacts: Array<Json & { id: number; name: string; responsible_user_id: number; created_at: number }>;
  leads: Array<Json & { id: number; status_id: number; pipeline_id: number; contacts: { id: number }[] }>;
  calls: Array<{ id: number; entity_id: number; entity_type: string; request: Json }>;
  notes: Array<Json & { entity_type: string; entity_id: number; note_type: string; params: Json }>;
  tasks: Array<Json & { entity_type: string | null; entity_id: number | null; responsible_user_id: number }>;
};

export type LogWorld = Awaited<ReturnType<typeof startLogWorld>>;

/** `db`: a database to use instead of a fresh test database (the bench passes PGlite or its own). */
export async function startLogWorld(opts: { db?: TestDb } = {}) {
  const [mango, amo]: [MangoEmulator, RunningAmocrmEmulator] = await Promise.all([
    startMangoEmulator({ port: 0 }),
    startEmulator(),
  ]);
  // The MANGO client reads its base URL from the environment once per test file: campaign lookups and
  // recording links go to this emulator.
  process.env.MANGO_API_URL = `${mango.url}/vpbx`;
  const t: TestDb = opts.db ?? (await createTestDb());
  const bridge = await serveMangoIntake(t.db);
  const mangoControl = async (path: string, body: unknown) => {
    const res = await fetch(`${mango.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
    return (await res.json()) as Json;
  };

  const { baseUrl, pair } = await connect(amo);
  const tenant: Tenant = await createTenant(t.db, {
    amocrmAccountId: 28805383,
    amocrmSubdomain: "demo",
    amocrmBaseUrl: baseUrl,
    name: "Демо-компания",
  });
  await saveAmocrmTokens(t.db, { tenantId: tenant.id, tokens: pair });
  const connected = await connectMango(
    t.db,
    { tenantId: tenant.id, actorUserId: null, apiKey: "demo-vpbx-key", salt: "demo-vpbx-salt" },
    { baseUrl: `${mango.url}/vpbx` },
  );
  if (!connected.ok) throw new Error("MANGO did not connect");
  await mangoControl("webhook", { url: `${bridge.url}/api/mango/${tenant.webhookKey}` });
  for (const [extension, amoUserId] of Object.entries({ ...PAIRS, "103": null })) {
    const [e] = await t.db
      .insert(mangoEmployees)
      .values({ tenantId: tenant.id, mangoKey: extension, extension, name: `Сотрудник ${extension}` })
      .returning();
    if (amoUserId)
      await t.db
        .insert(employeeLinks)
        .values({ tenantId: tenant.id, mangoEmployeeId: e!.id, amoUserId, source: "manual" });
  }

  return {
    t,
    mango,
    amo,
    tenant,
    /** Our MANGO intake over HTTP (what the emulator posts to). */
    bridgeUrl: bridge.url,
    amocrm: () => amocrmClientFor(t.db, tenant),
    async settings(input: IntegrationSettingsInput) {
      const settings = settingsDocumentSchema.parse(input);
      await t.db
        .insert(integrationSettings)
        .values({ tenantId: tenant.id, settings })
        .onConflictDoUpdate({ target: integrationSettings.tenantId, set: { settings } });
    },
    faults: (f: { duplicateEvents?: boolean; outOfOrder?: boolean; latencyMs?: number }) =>
      mangoControl("faults", f),
    /** amoCRM emulator fault injection (emulators/README.md), e.g. 503s on one path. */
    async amoFaults(f: Json) {
      await fetch(`${amo.url}/__control/faults`, { method: "POST", body: JSON.stringify(f) });
    },
    /** Runs a MANGO call scenario to its end and everything it causes; returns the call's entry_id. */
    async call(scenario: Json): Promise<string> {
      const { entry_id } = (await mangoControl("scenarios", { instant: true, ...scenario })) as {
        entry_id: string;
      };
      await fetch(`${mango.url}/__control/deliveries?wait=1`);
      await drainJobs(t.db, [processMangoEvent, writeCallJob, attachRecording]);
      return entry_id;
    },
    /** MANGO's control API (emulators/README.md), e.g. `clock` `{ freeze: true }`. */
    mangoControl,
    /**
     * Moves MANGO's (frozen) clock on, waits for what it delivered and runs every job that caused: how a call
     * started with `instant: false` is played in steps.
     */
    async advance(ms: number) {
      await mangoControl("clock", { advance: ms });
      await fetch(`${mango.url}/__control/deliveries?wait=1`);
      await drainJobs(t.db, [processMangoEvent, writeCallJob, attachRecording]);
    },
    /** Several calls whose log jobs are all made due at the same moment, so one tick runs them together. */
    async callsTogether(scenarios: Json[]): Promise<string[]> {
      const ids: string[] = [];
      for (const sc of scenarios) {
        const { entry_id } = (await mangoControl("scenarios", { instant: true, ...sc })) as {
          entry_id: string;
        };
        ids.push(entry_id);
      }
      await fetch(`${mango.url}/__control/deliveries?wait=1`);
      await drainJobs(t.db, [processMangoEvent]);
      await t.db
        .update(jobRuns)
        .set({ runAt: new Date(Date.now() - 1000) })
        .where(and(eq(jobRuns.jobId, writeCallJob.id), eq(jobRuns.status, "queued")));
      await drainJobs(t.db, [writeCallJob]);
      return ids;
    },
    async amoState(): Promise<AmoState> {
      const res = await fetch(`${amo.url}/__control/state`);
      return ((await res.json()) as { accounts: Record<string, AmoState> }).accounts.demo!;
    },
    /**
     * An event posted to our MANGO intake as MANGO would: form-encoded, signed with the demo PBX's key and
     * salt. For events the emulator does not send by itself (a late or contradicting summary). The status.
     */
    async postMangoEvent(kind: string, event: Json): Promise<number> {
      const json = JSON.stringify(event);
      const sign = createHash("sha256").update(`demo-vpbx-key${json}demo-vpbx-salt`).digest("hex");
      const res = await fetch(`${bridge.url}/api/mango/${tenant.webhookKey}/${kind}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ vpbx_api_key: "demo-vpbx-key", sign, json }).toString(),
      });
      return res.status;
    },
    /** The calls.log run of a call: its final state in the journal, with the reason when skipped. */
    async logRun(entryId: string) {
      const [call] = await t.db.select().from(calls).where(eq(calls.entryId, entryId));
      const runs = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, writeCallJob.id));
      return runs.filter((r) => (r.payload as { callId?: string }).callId === call?.id);
    },
    /** The call's idempotency record (call_logs). */
    async callLog(entryId: string) {
      const [call] = await t.db.select().from(calls).where(eq(calls.entryId, entryId));
      const [row] = await t.db.select().from(callLogs).where(eq(callLogs.callId, call!.id));
      return row ?? null;
    },
    async close() {
      await bridge.close();
      await Promise.all([mango.close(), amo.close()]);
      await t.drop();
    },
  };
}

/** Contacts of the amoCRM state carrying this number (by the last 10 digits, as amoCRM matches). */
export function contactsWithPhone(state: AmoState, phone: string) {
  const key = phone.replace(/\D/g, "").slice(-10);
  const phones = (c: AmoState["contacts"][number]) =>
    ((c.custom_fields_values ?? []) as { values: { value?: unknown }[] }[]).flatMap((f) =>
      f.values.map((v) =>
        String(v.value ?? "")
          .replace(/\D/g, "")
          .slice(-10),
      ),
    );
  return state.contacts.filter((c) => !c.is_deleted && phones(c).includes(key));
}
