import { getDb } from "@/db";
import { handleCardTicket } from "@/server/calls/card/http";
import { withSafeErrors } from "@/server/log/route-errors";
import { widgetHttpConfig } from "@/server/widget/config";

// The widget trades amoCRM's disposable token (X-Auth-Token) for a one-minute ticket that opens the call
// card stream: EventSource cannot send headers. See server/calls/card/http.ts.
export const dynamic = "force-dynamic";

export async function OPTIONS(req: Request) {
  return handleCardTicket(await getDb(), req, widgetHttpConfig());
}

export const POST = withSafeErrors("widget.calls.ticket", async (req: Request) => {
  return handleCardTicket(await getDb(), req, widgetHttpConfig());
});
