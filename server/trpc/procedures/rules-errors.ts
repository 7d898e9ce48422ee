import { TRPCError } from "@trpc/server";
import { AmocrmError } from "@/server/amocrm";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";

/** The editor's live reads from amoCRM: an expired connection or a failing amoCRM said in Russian. */
export async function readingAmocrm<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof TenantNeedsReconnectError)
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Переподключите amoCRM: доступ истёк" });
    if (err instanceof AmocrmError)
      throw new TRPCError({
        code: "BAD_GATEWAY",
        message: `amoCRM не ответила как ожидалось: ${err.message}`,
      });
    throw err;
  }
}
