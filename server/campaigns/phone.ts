import type { CampaignTaskRow } from "@/db/schema";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";
import { maskPhone } from "@/server/log/mask";

/** A campaign task's client number at rest, like an SMS's: masked for reading, sealed for MANGO. */
const context = (tenantId: string, id: string) => `tenant:${tenantId}:campaign_tasks.phone:${id}`;

export function sealCampaignPhone(
  row: { tenantId: string; id: string },
  phone: string,
  keyring: Keyring = appKeyring(),
): Pick<CampaignTaskRow, "phone" | "phoneSealed" | "sealKeyId"> {
  const sealed = seal(keyring, phone, context(row.tenantId, row.id));
  return { phone: maskPhone(phone), phoneSealed: sealed.ciphertext, sealKeyId: sealed.keyId };
}

export function openCampaignPhone(
  row: Pick<CampaignTaskRow, "tenantId" | "id" | "phoneSealed" | "sealKeyId">,
  keyring: Keyring = appKeyring(),
): string {
  return open(keyring, { ciphertext: row.phoneSealed, keyId: row.sealKeyId }, context(row.tenantId, row.id));
}
