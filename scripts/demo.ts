import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrateDb, openDb } from "@/db/client";
import { DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, USERS } from "@/emulators/amocrm/seed-ids";
import { startAmocrmEmulator } from "@/emulators/amocrm/server";
import { DEMO_VPBX_API_KEY, DEMO_VPBX_API_SALT } from "@/emulators/mango/seed";
import { startMangoEmulator } from "@/emulators/mango/server";
import { parseEnv } from "@/server/config/env";
import { widgetPackageFiles } from "@/server/widget/package";
import { onboardDemoTenant } from "./demo-onboard";
import { seedDemoTenant } from "./demo-seed";

/**
 * `npm run demo`: both emulators, the embedded database with a demo tenant, and the portal on :3000.
 * Nothing needs to be configured; an existing environment (e.g. DATABASE_URL) is respected.
 */
const port = Number(process.env.PORT ?? 3000);
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
const amoPort = Number(process.env.AMOCRM_EMULATOR_PORT ?? 4010);
const mangoPort = Number(process.env.MANGO_EMULATOR_PORT ?? 4020);

const env: NodeJS.ProcessEnv = {
  ...process.env,
  AMANGO_DEMO: "1",
  AMOCRM_CLIENT_ID: process.env.AMOCRM_CLIENT_ID ?? DEMO_CLIENT_ID,
  AMOCRM_CLIENT_SECRET: process.env.AMOCRM_CLIENT_SECRET ?? DEMO_CLIENT_SECRET,
  DEV_LOGIN: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  APP_URL: appUrl,
  AMOCRM_EMULATOR_URL: process.env.AMOCRM_EMULATOR_URL ?? `http://127.0.0.1:${amoPort}`,
  MANGO_API_URL: process.env.MANGO_API_URL ?? `http://127.0.0.1:${mangoPort}/vpbx`,
};
// The seeding below and the portal read the same environment.
Object.assign(process.env, env);
const config = parseEnv(env);

// The widget as a customer uploads it to amoCRM (APP_URL baked in), unpacked where the amoCRM emulator serves
// it (`/__widgets/amango/`), so its stand-in page runs the widget with nothing to unpack or serve by hand.
const widgetsDir = path.resolve(config.DATA_DIR, "widgets");
rmSync(path.join(widgetsDir, "amango"), { recursive: true, force: true });
for (const [name, bytes] of widgetPackageFiles({ appUrl })) {
  const file = path.join(widgetsDir, "amango", name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

const mango = await startMangoEmulator({ port: mangoPort, eventsBaseUrl: `${appUrl}/api/mango/demo` });
// The amoCRM emulator's control page rings calls and shows MANGO's request log through `mangoUrl`.
const amo = await startAmocrmEmulator({ port: amoPort, widgetsDir, mangoUrl: mango.url });
const standIn = `${amo.url}/a/demo/__widget-host?${new URLSearchParams({
  widget: `${amo.url}/__widgets/amango`,
  client_id: env.AMOCRM_CLIENT_ID ?? DEMO_CLIENT_ID,
})}`;

// Seed before the portal starts: PGlite allows one process per data directory.
const db = await openDb({
  databaseUrl: config.DATABASE_URL,
  dataDir: path.resolve(config.DATA_DIR, "pglite"),
});
await migrateDb(db);
const tenant = await seedDemoTenant(db.db, {
  accountId: DEMO_ACCOUNT_ID,
  baseUrl: `${amo.url}/a/demo`,
  ownerAmoId: USERS.admin,
  memberAmoId: USERS.manager,
});
const onboarded = await onboardDemoTenant(db.db, {
  tenant,
  amoUrl: amo.url,
  mangoApiUrl: `${mango.url}/vpbx`,
  mangoKey: DEMO_VPBX_API_KEY,
  mangoSalt: DEMO_VPBX_API_SALT,
});
await db.close();

const next = spawn("npx", ["next", "dev", "-p", String(port)], { stdio: "inherit", env });
console.warn(`
  Amango demo
  ───────────
  Portal:            ${appUrl}   (sign in: "Войти" → choose a demo user)
  Demo tenant:       ${tenant.name} (${db.kind}; amoCRM and MANGO connected, ${onboarded.employees} employees)
  amoCRM emulator:   ${amo.url}/a/demo
  Control page:      ${amo.url}/__control/ui   (move deals, change responsible, ring a call, request logs)
  Widget in amoCRM:  ${standIn}
                     (amoCRM's stand-in page running the built widget: «Настройки виджета», Digital Pipeline)
  MANGO emulator:    ${mango.url}/vpbx   (key demo-vpbx-key, salt demo-vpbx-salt;
                     second company: other-vpbx-key, other-vpbx-salt)
  MANGO events URL:  ${appUrl}/api/mango/demo/events/<kind>
  Health:            ${appUrl}/api/health
`);

const shutdown = async () => {
  next.kill("SIGTERM");
  await Promise.allSettled([amo.close(), mango.close()]);
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
next.on("exit", (code) => {
  void Promise.allSettled([amo.close(), mango.close()]).then(() => process.exit(code ?? 0));
});
