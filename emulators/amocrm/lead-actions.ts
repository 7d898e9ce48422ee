// What a user does to a deal in amoCRM's interface (move it to a stage, edit it): the same PATCH the API
// runs, so DP widget webhooks and account webhooks go out exactly as for an API change. Used by the control
// API (`/__control/leads/move|update`) and the control page.
import { patchLeads } from "./api/leads";
import { type ApiCtx, accountBase, type Delivery, type Emu } from "./context";
import { settle } from "./deliver";
import type { Account } from "./state";

/** Runs an account API handler as the given user would (UI actions: move a deal, edit it). */
function asUser(emu: Emu, acc: Account, userId: number, path: string, rawBody: string): ApiCtx {
  const url = new URL(`${accountBase(emu, acc.subdomain)}${path}`);
  return {
    emu,
    acc,
    userId,
    clientId: null,
    base: accountBase(emu, acc.subdomain),
    params: {},
    req: { method: "PATCH", url, path, headers: {}, rawBody },
  };
}

/** Applies `changes` to a deal as `userId`; waits for the webhooks it caused and returns them. */
export async function changeLead(
  emu: Emu,
  acc: Account,
  o: { leadId: unknown; changes: Record<string, unknown>; userId?: number },
): Promise<{ result: unknown; status: number; deliveries: Delivery[] }> {
  const from = emu.deliveries.length;
  const ctx = asUser(
    emu,
    acc,
    o.userId ?? acc.current_user_id,
    "/api/v4/leads",
    JSON.stringify([{ id: o.leadId, ...o.changes }]),
  );
  const res = await patchLeads(ctx);
  await settle(emu);
  return { result: res.body, status: res.status, deliveries: emu.deliveries.slice(from) };
}
