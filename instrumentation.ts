/** Next.js calls this once per server process: start the job runtime (poller or outbox sweeper). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { jobRuntime } = await import("./inngest/runtime");
  await jobRuntime();
}
