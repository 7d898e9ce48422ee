import { getServerSession } from "next-auth";
import type { SessionIdentity } from "@/server/trpc/init";
import { authOptions } from "./options";

/** The signed-in identity of this request, or null. */
export async function getSessionIdentity(): Promise<SessionIdentity | null> {
  const session = (await getServerSession(authOptions())) as {
    userId?: string;
    tenantId?: string | null;
  } | null;
  if (!session?.userId) return null;
  return { userId: session.userId, tenantId: session.tenantId ?? null };
}
