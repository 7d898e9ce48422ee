/** Next.js calls this once per server process: start the job runtime (poller or outbox sweeper). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Validate first: a misconfigured production server stops here with the missing names.
  const { env } = await import("./server/config/env");
  env();
  const { jobRuntime } = await import("./inngest/runtime");
  await jobRuntime();
}
