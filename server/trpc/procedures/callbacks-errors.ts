import { TRPCError } from "@trpc/server";
import type { ItemChange } from "@/server/callbacks/manage";
import { notFound } from "../init";

/** An item change that did not happen, said in Russian: missing (or another tenant's), or no longer queued. */
export function itemChangeError(result: Exclude<ItemChange, "ok">): TRPCError {
  if (result === "not_found") return notFound("Запись очереди");
  return new TRPCError({
    code: "CONFLICT",
    message: "Этот звонок уже не в очереди: его набрали, убрали или очередь очистили. Обновите страницу.",
  });
}
