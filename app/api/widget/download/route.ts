import { env } from "@/server/config/env";
import { buildWidgetZip } from "@/server/widget/package";

// The widget archive for this portal's APP_URL, built on the fly (the same code as `npm run widget:build`).
// Public on purpose: it holds no tenant data and no secret, only the portal's address.
export const dynamic = "force-dynamic";

let cached: { appUrl: string; zip: Uint8Array } | undefined;

export async function GET() {
  const appUrl = env().APP_URL;
  if (cached?.appUrl !== appUrl) cached = { appUrl, zip: buildWidgetZip({ appUrl }) };
  return new Response(new Uint8Array(cached.zip), {
    headers: {
      "content-type": "application/zip",
      "content-disposition": 'attachment; filename="widget.zip"',
      "cache-control": "no-store",
    },
  });
}
