import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { getSessionIdentity } from "@/server/auth/session";
import { logger } from "@/server/log/logger";
import { appRouter } from "@/server/trpc/router";

const handler = async (req: Request) => {
  const requestId = req.headers.get("x-request-id") ?? randomUUID();
  const session = await getSessionIdentity();
  const log = logger.child({ requestId, tenantId: session?.tenantId ?? null });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({
      db: await getDb(),
      queue: (await jobRuntime()).queue,
      session,
      requestId,
    }),
    responseMeta: () => ({ headers: new Headers({ "x-request-id": requestId }) }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ path, err: error }, "trpc error");
      else log.info({ path, code: error.code }, "trpc refused");
    },
  });
};

export { handler as GET, handler as POST };
