import { getDb } from "@/db";
import { handleCardStream } from "@/server/calls/card-http";
import { widgetHttpConfig } from "@/server/widget/config";

// Server-Sent Events: the call cards of the ticket's amoCRM user. Node runtime: the cards come from this
// process's hub (server/realtime/hub.ts), fed by the MANGO webhook route.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(req: Request) {
  return handleCardStream(await getDb(), req, widgetHttpConfig());
}
