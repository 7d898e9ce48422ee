import type { AmoContact } from "@/server/amocrm/transform";
import { normalizePhone } from "@/server/phone/normalize";

/**
 * The client's number for an action that calls them (auto-callback, a campaign task): the main contact's
 * first phone that is a telephone number, in the card's order — any kind of phone can be called, unlike an
 * SMS's mobile. A value that is not a number (an extension, a typo) is passed over for the next one.
 */
export function clientPhoneOf(
  contact: Pick<AmoContact, "name" | "phones"> | null,
  /** What the reason says will not happen, e.g. "автоперезвон не выполняется". */
  notDone: string,
): { ok: true; phone: string; name: string | null } | { ok: false; reason: string } {
  if (!contact) return { ok: false, reason: `У сделки нет основного контакта — ${notDone}` };
  const name = contact.name?.trim() || null;
  const label = name ? `«${name}»` : "основного контакта";
  for (const p of contact.phones) {
    const phone = normalizePhone(p.value);
    if (phone) return { ok: true, phone, name };
  }
  return {
    ok: false,
    reason:
      contact.phones.length === 0
        ? `У контакта ${label} нет телефона — ${notDone}`
        : `Ни один телефон контакта ${label} не распознан как номер — ${notDone}`,
  };
}
