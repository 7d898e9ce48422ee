import { getDb } from "@/db";
import { withSafeErrors } from "@/server/log/route-errors";
import { widgetHttpConfig } from "@/server/widget/config";
import { handleWidgetEntry } from "@/server/widget/http";

// The iframe's entry: amoCRM's disposable token in (form POST from the widget, or ?token=), checked, and a
// redirect to /widget/<area> with the token in the URL fragment for the page to exchange; 401 for a missing,
// forged or expired token.
export const dynamic = "force-dynamic";

export const GET = withSafeErrors("widget.session", async (req: Request) => {
  return handleWidgetEntry(await getDb(), req, widgetHttpConfig());
});

export const POST = withSafeErrors("widget.session", async (req: Request) => {
  return handleWidgetEntry(await getDb(), req, widgetHttpConfig());
});
