// Contact Center campaign calls (issue 6, mango-cc-and-widget.md §2.4): what the campaign task tells about
// the client, and the three «ЦОВ» contact fields a contact created for such a call gets.
import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import type { CustomFieldValueInput } from "@/server/amocrm/requests";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { MangoNotFoundError } from "@/server/mango/errors";
import { type CcFieldKey, ccFieldState, ensureCcContactFields } from "@/server/onboarding/cc-fields";

export type CampaignClient = {
  campaignId: number | null;
  campaignName: string | null;
  /**
   * «ЦОВ: Идентификатор Клиента». MANGO's campaign task is the client (one number to dial, with its name and
   * alternative numbers), and its id is the only client identifier the campaign has, so it is used here.
   */
  clientId: number;
  /** The name the campaign was given for this client, if any. */
  clientName: string | null;
};

/**
 * Reads the campaign task (→ campaign id, client name) and the campaign (→ its name) from MANGO. MANGO not
 * connected, or a task that MANGO no longer knows, leaves the fields it would have given empty: the call
 * is still worth logging. Other MANGO errors propagate so the job retries.
 */
export async function campaignClientOf(
  db: Db,
  { tenantId, taskId }: { tenantId: string; taskId: number },
): Promise<CampaignClient> {
  const known: CampaignClient = { campaignId: null, campaignName: null, clientId: taskId, clientName: null };
  let mango: Awaited<ReturnType<typeof mangoClientFor>>;
  try {
    mango = await mangoClientFor(db, { tenantId });
  } catch (err) {
    if (err instanceof MangoNotConnectedError) return known;
    throw err;
  }
  try {
    const task = await mango.getCampaignTask(taskId);
    const campaign = (await mango.listCampaigns()).find((c) => c.id === task.campaignId);
    return {
      ...known,
      campaignId: task.campaignId,
      campaignName: campaign?.name ?? null,
      clientName: task.name,
    };
  } catch (err) {
    if (err instanceof MangoNotFoundError) return known;
    throw err;
  }
}

/**
 * The ЦОВ values for a new contact. The field ids are the ones onboarding stored; when they were never
 * ensured (or the account lost them), they are ensured now, once per tenant under onboarding's lock.
 * Must run outside any open transaction: ensuring opens its own.
 */
export async function ccContactFields(
  db: Db,
  tenant: Tenant,
  client: CampaignClient,
): Promise<CustomFieldValueInput[]> {
  const stored = (await ccFieldState(db, { tenantId: tenant.id })).ids;
  const ids =
    stored ??
    (
      await ensureCcContactFields(db, {
        tenantId: tenant.id,
        clientFor: (d) => amocrmClientFor(d, tenant),
      })
    ).ids;
  const values: Record<CcFieldKey, string | null> = {
    campaignName: client.campaignName,
    campaignId: client.campaignId === null ? null : String(client.campaignId),
    clientId: String(client.clientId),
  };
  return (Object.entries(values) as [CcFieldKey, string | null][])
    .filter(([k, v]) => v !== null && ids[k] !== undefined)
    .map(([k, v]) => ({ field_id: ids[k], values: [{ value: v }] }));
}
