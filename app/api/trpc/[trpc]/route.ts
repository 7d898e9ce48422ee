import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { getSessionIdentity } from "@/server/auth/session";
import { logger } from "@/server/log/logger";
import { appRouter } from "@/server/trpc/router";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({
      db: await getDb(),
      queue: (await jobRuntime()).queue,
      session: await getSessionIdentity(),
      requestId: req.headers.get("x-request-id") ?? randomUUID(),
    }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ path, err: error.message }, "trpc error");
    },
  });

export { handler as GET, handler as POST };
