import { getDb } from "@/db";
import { withSafeErrors } from "@/server/log/route-errors";
import { widgetHttpConfig } from "@/server/widget/config";
import { handleWidgetExchange } from "@/server/widget/http";

// The widget page's exchange: amoCRM's disposable token (from the page's URL fragment) in, Amango's
// short-lived session token out, kept in the page's memory. See server/widget/session.ts.
export const dynamic = "force-dynamic";

export const POST = withSafeErrors("widget.api.session", async (req: Request) => {
  return handleWidgetExchange(await getDb(), req, widgetHttpConfig());
});
