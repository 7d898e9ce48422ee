import { getDb } from "@/db";
import { handleCardAction } from "@/server/calls/card/http";
import { withSafeErrors } from "@/server/log/route-errors";
import { widgetHttpConfig } from "@/server/widget/config";

// «Создать контакт» / «Создать сделку» from the call card (X-Auth-Token, idempotent per call and number).
export const dynamic = "force-dynamic";

export async function OPTIONS(req: Request) {
  return handleCardAction(await getDb(), req, widgetHttpConfig());
}

export const POST = withSafeErrors("widget.calls.action", async (req: Request) => {
  return handleCardAction(await getDb(), req, widgetHttpConfig());
});
