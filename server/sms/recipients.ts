import type { PairedUser } from "@/server/actions/types";
import type { AmoContact, AmoPhone } from "@/server/amocrm/transform";
import { maskPhone } from "@/server/log/mask";
import { normalizePhone } from "@/server/phone/normalize";

/**
 * Who an SMS rule writes to, resolved without I/O: the caller reads the deal, its main contact and the
 * pairings (`mappedEmployeeOf`) and hands them in, so the editor's recipient list, the live preview and
 * the send job all explain a missing recipient with the same words. Reasons are Russian (shown to admins
 * and kept in the journal) and never carry a full number.
 */

export type SmsRecipientRole = "client" | "responsible" | "author";

export const RECIPIENT_ROLE_LABELS: Record<SmsRecipientRole, string> = {
  client: "Клиент (основной контакт сделки)",
  responsible: "Ответственный по сделке",
  author: "Лично я (автор правила)",
};

/** An amoCRM user with the MANGO employee they are paired with (the action kernel's `PairedUser`). */
export type SmsEmployee = PairedUser;

export type SmsRecipient = {
  /** E.164; `toMangoNumber` gives MANGO's wire form. */
  phone: string;
  name: string | null;
  /** Every role this number stands for: one SMS even when the client is also the responsible. */
  roles: SmsRecipientRole[];
};

export type SkippedRecipient = { role: SmsRecipientRole; name: string | null; reason: string };

function employeeName(e: SmsEmployee): string | null {
  return e.name?.trim() || e.mapped?.name?.trim() || null;
}

function who(name: string | null, fallback: string): string {
  return name ? `«${name}»` : fallback;
}

export type EmployeeSmsAvailability =
  | { available: true; phone: string; name: string | null }
  | { available: false; name: string | null; reason: string };

/**
 * MANGO's own DP SMS sends to an employee only through their paired extension's mobile
 * [mango-cc-and-widget.md §2.6]; the editor offers only employees for whom this is `available`.
 */
export function employeeSmsAvailability(employee: SmsEmployee): EmployeeSmsAvailability {
  const name = employeeName(employee);
  const label = who(name, `Пользователь amoCRM ${employee.amoUserId}`);
  if (!employee.mapped?.extension) {
    return {
      available: false,
      name,
      reason: `${label} не сопоставлен с внутренним номером MANGO OFFICE — SMS сотруднику не отправляется.`,
    };
  }
  const ext = employee.mapped.extension;
  const raw = employee.mapped.mobile?.trim();
  if (!raw) {
    return {
      available: false,
      name,
      reason: `У внутреннего номера ${ext} (${label}) в MANGO OFFICE не указан мобильный телефон — SMS не отправляется.`,
    };
  }
  const phone = normalizePhone(raw);
  if (!phone) {
    return {
      available: false,
      name,
      reason: `Мобильный телефон внутреннего номера ${ext} (${label}) не распознан: ${maskPhone(raw)}.`,
    };
  }
  return { available: true, phone, name };
}

export type ClientPhone = { ok: true; phone: string; source: AmoPhone } | { ok: false; reason: string };

/**
 * The client's number for an SMS: a phone marked MOB, else the first phone in the card's order. A value
 * that is not a telephone number (an extension, a typo) is passed over for the next one rather than
 * failing the SMS — amoCRM users often keep "доб. 12" or a short office number next to the mobile.
 */
export function pickClientPhone(contact: Pick<AmoContact, "name" | "phones"> | null): ClientPhone {
  if (!contact)
    return { ok: false, reason: "У сделки нет основного контакта — клиенту SMS не отправляется." };
  const label = who(contact.name?.trim() || null, "основного контакта");
  if (contact.phones.length === 0)
    return { ok: false, reason: `У контакта ${label} нет телефона — клиенту SMS не отправляется.` };
  const ordered = [
    ...contact.phones.filter((p) => p.enumCode?.toUpperCase() === "MOB"),
    ...contact.phones.filter((p) => p.enumCode?.toUpperCase() !== "MOB"),
  ];
  for (const p of ordered) {
    const phone = normalizePhone(p.value);
    if (phone) return { ok: true, phone, source: p };
  }
  return {
    ok: false,
    reason: `Ни один телефон контакта ${label} не распознан как номер — клиенту SMS не отправляется.`,
  };
}

export type RecipientInput = {
  /** The roles the rule asks for, in the order they should be listed. */
  roles: SmsRecipientRole[];
  mainContact: Pick<AmoContact, "name" | "phones"> | null;
  /** Null when the deal has no responsible user. */
  responsible: SmsEmployee | null;
  /** The rule's author: "лично я" in MANGO's dialog. */
  author: SmsEmployee | null;
};

export type ResolvedRecipients = { recipients: SmsRecipient[]; skipped: SkippedRecipient[] };

export function resolveSmsRecipients(input: RecipientInput): ResolvedRecipients {
  const recipients: SmsRecipient[] = [];
  const skipped: SkippedRecipient[] = [];
  const add = (role: SmsRecipientRole, phone: string, name: string | null) => {
    // Same number twice (the responsible wrote the rule, the client is a colleague): one SMS, all roles.
    const same = recipients.find((r) => r.phone === phone);
    if (same) {
      if (!same.roles.includes(role)) same.roles.push(role);
      return;
    }
    recipients.push({ phone, name, roles: [role] });
  };

  for (const role of new Set(input.roles)) {
    if (role === "client") {
      const picked = pickClientPhone(input.mainContact);
      const name = input.mainContact?.name?.trim() || null;
      if (picked.ok) add(role, picked.phone, name);
      else skipped.push({ role, name, reason: picked.reason });
      continue;
    }
    const employee = role === "responsible" ? input.responsible : input.author;
    if (!employee) {
      skipped.push({
        role,
        name: null,
        reason:
          role === "responsible"
            ? "У сделки нет ответственного — SMS ответственному не отправляется."
            : "Автор правила неизвестен — SMS «лично мне» не отправляется.",
      });
      continue;
    }
    const availability = employeeSmsAvailability(employee);
    if (availability.available) add(role, availability.phone, availability.name);
    else skipped.push({ role, name: availability.name, reason: availability.reason });
  }
  return { recipients, skipped };
}
