import { getDb } from "@/db";
import { withSafeErrors } from "@/server/log/route-errors";
import { streamRecording } from "@/server/recordings/stream";

export const dynamic = "force-dynamic";

/**
 * A call recording played from amoCRM. Public on purpose: the signed token in the path is the authorization
 * (it names one tenant's recording and cannot be made up); a bad one is answered 404.
 */
export const GET = withSafeErrors(
  "recordings.get",
  async (req: Request, ctx: { params: Promise<{ token: string }> }) => {
    const { token } = await ctx.params;
    return streamRecording(await getDb(), { token, range: req.headers.get("range") });
  },
);
