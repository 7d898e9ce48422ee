// `npx tsx emulators/amocrm/cli.ts` — starts the amoCRM emulator on 4010 (env AMOCRM_EMULATOR_PORT; AMOCRM_EMULATOR_MANGO_URL
// = the MANGO emulator the control page rings through).
import { DEMO_CLIENT_ID, DEMO_REDIRECT_URI } from "./seed";
import { startAmocrmEmulator } from "./server";

const port = Number(process.env.AMOCRM_EMULATOR_PORT ?? "4010");
const host = process.env.AMOCRM_EMULATOR_HOST ?? "127.0.0.1";
const emu = await startAmocrmEmulator({
  port,
  host,
  publicBaseUrl: process.env.AMOCRM_EMULATOR_PUBLIC_URL,
  snapshotFile: process.env.AMOCRM_EMULATOR_SNAPSHOT,
  rateLimitPerSecond: process.env.AMOCRM_EMULATOR_RPS ? Number(process.env.AMOCRM_EMULATOR_RPS) : undefined,
  mangoUrl: process.env.AMOCRM_EMULATOR_MANGO_URL,
});
process.stdout.write(
  `amoCRM emulator: ${emu.url}\n  account base: ${emu.url}/a/demo\n  control page: ${emu.url}/__control/ui\n  consent: ${emu.url}/oauth?client_id=${DEMO_CLIENT_ID}\n  redirect: ${DEMO_REDIRECT_URI}\n`,
);
const stop = () => {
  void emu.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
