import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { DEMO_REDIRECT_URI } from "@/emulators/amocrm/seed-ids";
import { exchangeCode } from "@/server/amocrm";
import { amocrmClientFor, amocrmIntegration, saveAmocrmTokens } from "@/server/connections/amocrm";
import { syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import { applyProposals, linkEmployee } from "@/server/employees/links";
import { listDirectory } from "@/server/employees/queries";
import { subscribeAccountWebhooks } from "@/server/onboarding/account-webhooks";
import { ensureCcContactFields } from "@/server/onboarding/cc-fields";
import { connectMango } from "@/server/onboarding/mango-connect";

/**
 * Onboards the demo tenant on the freshly started emulators, as an owner would: amoCRM consent (the
 * emulator's control API presses «Разрешить»), directory sync, MANGO key and salt, the ЦОВ fields.
 * The emulators keep state in memory, so this runs at every demo start.
 */
export async function onboardDemoTenant(
  db: Db,
  o: { tenant: Tenant; amoUrl: string; mangoApiUrl: string; mangoKey: string; mangoSalt: string },
) {
  const integration = amocrmIntegration();
  const control = (path: string, body: unknown) =>
    fetch(`${o.amoUrl}/__control/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  // The portal may run on another port than the emulator's seeded redirect URI assumes. Ours goes first:
  // the widget's disposable tokens carry the first redirect URI's origin as their audience.
  await control("integrations", {
    client_id: integration.clientId,
    redirect_uris: [...new Set([integration.redirectUri, DEMO_REDIRECT_URI])],
    disconnect_url: integration.redirectUri.replace("/api/auth/callback/amocrm", "/api/amocrm/uninstall"),
  });
  const res = await control("oauth/code", {
    subdomain: o.tenant.amocrmSubdomain,
    client_id: integration.clientId,
    redirect_uri: integration.redirectUri,
  });
  if (!res.ok) throw new Error(`amoCRM emulator refused to mint a code: ${res.status}`);
  const { code } = (await res.json()) as { code: string };
  const tokens = await exchangeCode({ ...integration, baseUrl: o.tenant.amocrmBaseUrl, code });
  await saveAmocrmTokens(db, { tenantId: o.tenant.id, tokens });
  await syncAmocrmDirectory(db, { tenantId: o.tenant.id, client: amocrmClientFor(db, o.tenant) });
  await subscribeAccountWebhooks(db, { tenant: o.tenant });
  await placeWidgetInPipelines(db, o.tenant, control);
  const mango = await connectMango(
    db,
    { tenantId: o.tenant.id, actorUserId: null, apiKey: o.mangoKey, salt: o.mangoSalt },
    { baseUrl: o.mangoApiUrl },
  );
  if (!mango.ok) throw new Error(`MANGO emulator refused the demo key: ${mango.message}`);
  await ensureCcContactFields(db, { tenantId: o.tenant.id, clientFor: (d) => amocrmClientFor(d, o.tenant) });
  return { employees: mango.employees, mapped: await mapDemoEmployees(db, o.tenant.id) };
}

/**
 * As an admin would in amoCRM's digital pipeline: the widget's action on every open stage, so moving a demo
 * deal into a stage posts the DP webhook and that stage's «Правила» run. One action per stage (one action
 * over several stages would be a stretched zone, silent inside it).
 */
async function placeWidgetInPipelines(
  db: Db,
  tenant: Tenant,
  control: (path: string, body: unknown) => Promise<Response>,
) {
  const appUrl = new URL(amocrmIntegration().redirectUri).origin;
  const pipelines = await amocrmClientFor(db, tenant).listPipelines();
  for (const pipeline of pipelines)
    for (const status of pipeline.statuses.filter((s) => s.type === "open")) {
      const res = await control("dp/actions", {
        subdomain: tenant.amocrmSubdomain,
        pipeline_id: pipeline.id,
        status_id: status.id,
        webhook_url: `${appUrl}/api/amocrm/${tenant.webhookKey}/dp`,
        settings: {},
      });
      if (!res.ok) throw new Error(`amoCRM emulator refused a DP action: ${res.status}`);
    }
}

/**
 * The two emulators' seeds name the same people with the same e-mails (101 Алексей Смирнов … 105 Мария
 * Иванова), so the automatic proposals pair them; anyone still unpaired (e.g. after editing a seed) is paired
 * by extension with the next unpaired active user, as an owner would by hand.
 */
async function mapDemoEmployees(db: Db, tenantId: string): Promise<number> {
  const actor = { tenantId, actorUserId: null, queue: null };
  await applyProposals(db, actor);
  const { employees, users } = await listDirectory(db, { tenantId });
  const freeUsers = users.filter((u) => u.isActive && !u.linkedEmployeeId);
  let mapped = employees.filter((e) => e.link).length;
  for (const e of employees.filter((x) => !x.link && x.isPresent && x.extension)) {
    const user = freeUsers.shift();
    if (!user) break;
    await linkEmployee(db, { ...actor, mangoEmployeeId: e.id, amoUserId: user.amoUserId });
    mapped++;
  }
  return mapped;
}
