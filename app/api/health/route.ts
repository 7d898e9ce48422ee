import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { checkHealth } from "@/server/health/check";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await checkHealth(getDb, async () => (await jobRuntime()).queue.driver);
  return Response.json(report, { status: report.ok ? 200 : 503 });
}
