import { getDb } from "@/db";
import { withSafeErrors } from "@/server/log/route-errors";
import { widgetHttpConfig } from "@/server/widget/config";
import { handleWidgetLaunch } from "@/server/widget/http";

// The widget's first call from amoCRM's page ($authorizedAjax → X-Auth-Token): checks the disposable token
// and answers where the iframe posts it. See server/widget/http.ts.
export const dynamic = "force-dynamic";

export async function OPTIONS(req: Request) {
  return handleWidgetLaunch(await getDb(), req, widgetHttpConfig());
}

export const POST = withSafeErrors("widget.launch", async (req: Request) => {
  return handleWidgetLaunch(await getDb(), req, widgetHttpConfig());
});
