import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { WIDGET_TRPC_ENDPOINT } from "@/lib/domain/widget/trpc-session-protocol";
import { env } from "@/server/config/env";
import { logger } from "@/server/log/logger";
import { appRouter } from "@/server/trpc/router";
import { createWidgetTrpcContext } from "@/server/widget/trpc-session";

// The portal's tRPC router for the widget's iframe pages, authenticated by the widget session token (Bearer).
// Who is calling (and the CSRF check) comes from server/widget/trpc-session.ts; the router does the rest.
export const dynamic = "force-dynamic";

const handler = async (req: Request) => {
  const requestId = req.headers.get("x-request-id") ?? randomUUID();
  const log = logger.child({ requestId, via: "widget" });
  const e = env();
  return fetchRequestHandler({
    endpoint: WIDGET_TRPC_ENDPOINT,
    req,
    router: appRouter,
    createContext: async () => ({
      ...(await createWidgetTrpcContext(await getDb(), req, {
        authSecret: e.AUTH_SECRET,
        appUrl: e.APP_URL,
        queue: (await jobRuntime()).queue,
      })),
      requestId,
    }),
    responseMeta: () => ({
      headers: new Headers({ "x-request-id": requestId, "cache-control": "no-store" }),
    }),
    onError({ error, path, ctx }) {
      const tenantId = ctx?.session?.tenantId ?? null;
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ path, tenantId, err: error }, "trpc error");
      else log.info({ path, tenantId, code: error.code }, "trpc refused");
    },
  });
};

export { handler as GET, handler as POST };
