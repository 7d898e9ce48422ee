// The portal of the issue-7 scenario for browser tests: both emulators carrying `test/sms-scenario.ts`
// (Олег's vip deal on «Переговоры», Лопаткин ↔ 100, Белова ↔ 106 without a mobile, Орлов unpaired, the admin
// ↔ 104), a production build of the portal, and the tenant as its owner left it after onboarding: amoCRM
// consent given (tokens through the emulator's OAuth), directory synced, the pairs in our database.
import type { Db } from "@/db/client";
import type { Tenant, User } from "@/db/schema";
import { DEMO_ACCOUNT_ID } from "@/emulators/amocrm/seed-ids";
import {
  type AmocrmEmulatorOptions,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  type RunningAmocrmEmulator,
  startAmocrmEmulator,
} from "@/emulators/amocrm/server";
import { type MangoEmulator, startMangoEmulator } from "@/emulators/mango/server";
import { exchangeCode } from "@/server/amocrm/oauth";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import { connectMango } from "@/server/onboarding/mango-connect";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import { SCENARIO, seedAmocrmScenario, seedMangoScenario, seedScenarioDb } from "@/test/sms-scenario";
import { type AppServer, startAppServer } from "./app-server";

export type ScenarioPortal = {
  amo: RunningAmocrmEmulator;
  mango: MangoEmulator;
  app: AppServer;
  tenant: Tenant;
  /** The emulator's admin (Анна Администратова), owner of the tenant, paired with extension 104. */
  owner: User;
  /** POST to an emulator's control API (`amo.url` or `mango.url`); throws on an error answer. */
  control: (base: string, path: string, body: unknown) => Promise<unknown>;
  close: () => Promise<void>;
};

export async function startScenarioPortal(opts: {
  /** The key this test process seals tokens with; the portal must open them. */
  encryptionKey: string;
  /** More users of the tenant, added when the portal's database is seeded. */
  members?: (db: Db, tenant: Tenant) => Promise<void>;
  /** Also give the portal the MANGO key (the widget pages need a connected PBX). */
  connectMango?: boolean;
  /** How the amoCRM emulator runs (e.g. `crossSiteAmocrm()`: the stand-in page on another site). */
  amocrm?: Omit<AmocrmEmulatorOptions, "port">;
}): Promise<ScenarioPortal> {
  const [amo, mango] = await Promise.all([
    startAmocrmEmulator({ port: 0, ...opts.amocrm }),
    startMangoEmulator({ port: 0 }),
  ]);
  const control = async (base: string, path: string, body: unknown) => {
    const res = await fetch(`${base}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await seedAmocrmScenario(amo.url);
  await seedMangoScenario(mango.url);
  let tenant!: Tenant;
  let owner!: User;
  const app = await startAppServer({
    env: {
      AMOCRM_CLIENT_ID: DEMO_CLIENT_ID,
      AMOCRM_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      AMOCRM_EMULATOR_URL: amo.url,
      MANGO_API_URL: `${mango.url}/vpbx`,
      ENCRYPTION_KEY: opts.encryptionKey,
    },
    seed: async (db) => {
      tenant = await createTenant(db, {
        amocrmAccountId: DEMO_ACCOUNT_ID,
        amocrmSubdomain: SCENARIO.subdomain,
        amocrmBaseUrl: `${amo.url}/a/${SCENARIO.subdomain}`,
        name: "Демо-компания (эмулятор)",
      });
      owner = await upsertUser(db, { amocrmUserId: SCENARIO.admin.amoUserId, name: SCENARIO.admin.name });
      await addMembership(db, { tenantId: tenant.id, userId: owner.id, role: "owner" });
      await opts.members?.(db, tenant);
    },
  });
  const db = app.db.db;
  // The integration's redirect URI is the portal's (disposable widget tokens carry its origin as `aud`).
  const redirectUri = `${app.url}/api/auth/callback/amocrm`;
  await control(amo.url, "integrations", { client_id: DEMO_CLIENT_ID, redirect_uris: [redirectUri] });
  const { code } = (await control(amo.url, "oauth/code", {
    subdomain: SCENARIO.subdomain,
    client_id: DEMO_CLIENT_ID,
  })) as { code: string };
  const tokens = await exchangeCode({
    baseUrl: tenant.amocrmBaseUrl,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUri,
    code,
    emulatorBase: amo.url,
  });
  await saveAmocrmTokens(db, { tenantId: tenant.id, tokens });
  await syncAmocrmDirectory(db, { tenantId: tenant.id, client: amocrmClientFor(db, tenant) });
  if (opts.connectMango) {
    const connected = await connectMango(
      db,
      { tenantId: tenant.id, actorUserId: null, apiKey: "demo-vpbx-key", salt: "demo-vpbx-salt" },
      { baseUrl: `${mango.url}/vpbx` },
    );
    if (!connected.ok) throw new Error("MANGO did not connect");
  }
  await seedScenarioDb(db, { tenantId: tenant.id });
  return {
    amo,
    mango,
    app,
    tenant,
    owner,
    control,
    async close() {
      await app.stop();
      await Promise.all([amo.close(), mango.close()]);
    },
  };
}
