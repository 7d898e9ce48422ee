import type { Db } from "@/db/client";
import { jobCounts, pingDb } from "@/server/activity/queries";

export type HealthReport = {
  ok: boolean;
  database: "ok" | "unreachable";
  jobs: { driver: string; pending: number; failed: number } | null;
  error?: string;
};

/** Database reachable, which job driver runs, how many runs wait and how many failed. */
export async function checkHealth(
  getDb: () => Promise<Db>,
  driver: () => Promise<string>,
): Promise<HealthReport> {
  try {
    const db = await getDb();
    await pingDb(db);
    return { ok: true, database: "ok", jobs: { driver: await driver(), ...(await jobCounts(db)) } };
  } catch (err) {
    return {
      ok: false,
      database: "unreachable",
      jobs: null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
