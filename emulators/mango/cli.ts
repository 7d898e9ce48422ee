import { startMangoEmulator } from "./server";

/** `npx tsx emulators/mango/cli.ts` — MANGO emulator on port 4020 (MANGO_EMULATOR_PORT) for the local demo. */
const port = Number(process.env.MANGO_EMULATOR_PORT ?? 4020);
const host = process.env.MANGO_EMULATOR_HOST ?? "127.0.0.1";
const snapshotFile = process.env.MANGO_EMULATOR_SNAPSHOT;

const emulator = await startMangoEmulator({
  port,
  host,
  snapshotFile,
  eventsBaseUrl: process.env.MANGO_EVENTS_BASE_URL,
});
process.stdout.write(
  `MANGO OFFICE emulator listening on ${emulator.url} (VPBX API: ${emulator.url}/vpbx/)\n`,
);

const stop = () => {
  emulator.close().finally(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
