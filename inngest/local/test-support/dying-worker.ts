// A worker process for inngest/local/leases.int.test.ts: it claims the `test.sigkill` run, says so on stdout,
// and works on it forever (heartbeat running) until the test SIGKILLs it.
import { z } from "zod";
import { openDb } from "@/db/client";
import { defineJob } from "@/server/jobs/define";
import { createLocalWorker } from "../worker";

/** The job id the test enqueues (kept in step with leases.int.test.ts; importing this file would run it). */
const SIGKILL_JOB = "test.sigkill";

async function main() {
  const [databaseUrl, leaseMs] = process.argv.slice(2);
  const { db } = await openDb({ databaseUrl, max: 2 });
  const job = defineJob({
    id: SIGKILL_JOB,
    title: "sigkill",
    payload: z.object({}),
    handler: async () => {
      process.stdout.write("running\n");
      return new Promise<never>(() => {});
    },
  });
  const worker = createLocalWorker({ db, definitions: [job], workerId: "doomed", leaseMs: Number(leaseMs) });
  worker.start(50);
}

void main();
