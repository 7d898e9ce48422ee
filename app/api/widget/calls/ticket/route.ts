import { getDb } from "@/db";
import { handleCardTicket } from "@/server/calls/card-http";
import { widgetHttpConfig } from "@/server/widget/config";

// The widget trades amoCRM's disposable token (X-Auth-Token) for a one-minute ticket that opens the call
// card stream: EventSource cannot send headers. See server/calls/card-http.ts.
export const dynamic = "force-dynamic";

export async function OPTIONS(req: Request) {
  return handleCardTicket(await getDb(), req, widgetHttpConfig());
}

export async function POST(req: Request) {
  return handleCardTicket(await getDb(), req, widgetHttpConfig());
}
