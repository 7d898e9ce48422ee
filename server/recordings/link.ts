import { env } from "@/server/config/env";
import { recordingToken } from "./token";

/**
 * The link a logged call carries in amoCRM: our route, which fetches the recording from the tenant's MANGO when
 * someone plays it (app/api/recordings/[token]/route.ts). MANGO's signed links carry the PBX's API key and
 * never leave the server.
 */
export const recordingLinkUrl = (tenantId: string, recordingId: string, appUrl = env().APP_URL) =>
  `${appUrl.replace(/\/+$/, "")}/api/recordings/${recordingToken({ tenantId, recordingId })}`;
