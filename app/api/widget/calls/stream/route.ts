import { getDb } from "@/db";
import { handleCardStream } from "@/server/calls/card/http";
import { withSafeErrors } from "@/server/log/route-errors";
import { widgetHttpConfig } from "@/server/widget/config";

// Server-Sent Events: the call cards of the ticket's amoCRM user. Node runtime: the cards come from this
// process's hub (server/realtime/hub.ts), fed by the MANGO webhook route.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = withSafeErrors("widget.calls.stream", async (req: Request) => {
  return handleCardStream(await getDb(), req, widgetHttpConfig());
});
