import { getDb } from "@/db";
import { amocrmIntegration } from "@/server/connections/amocrm";
import { withSafeErrors } from "@/server/log/route-errors";
import { receiveAmocrmUninstall } from "@/server/onboarding/uninstall";
import { clientAddress } from "@/server/webhooks/client-address";

export const dynamic = "force-dynamic";

/** amoCRM's uninstall hook: GET ?account_id&client_uuid&signature (reference §2.11). */
export const GET = withSafeErrors("amocrm.uninstall", async (req: Request) => {
  const result = await receiveAmocrmUninstall(await getDb(), {
    params: new URL(req.url).searchParams,
    integration: amocrmIntegration(),
    address: clientAddress(req.headers),
  });
  return Response.json(result.body, { status: result.status });
});
