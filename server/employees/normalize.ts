import { normalizePhone } from "@/server/phone/normalize";

/**
 * Keys the automatic matching compares. Both directories are typed by people: MANGO's cabinet usually holds
 * "Фамилия Имя Отчество", amoCRM "Имя Фамилия", with ё written or not and stray spaces or case.
 */

export function emailKey(email: string | null | undefined): string | null {
  const key = email?.trim().toLowerCase();
  return key ? key : null;
}

export function mobileKey(mobile: string | null | undefined): string | null {
  return normalizePhone(mobile ?? null);
}

/** Lower case, ё → е, punctuation as spaces (hyphenated surnames stay one word), one space between words. */
export function nameTokens(name: string | null | undefined): string[] {
  return (name ?? "")
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[^\p{L}\p{N}-]+/gu, " ")
    .split(" ")
    .map((w) => w.replace(/^-+|-+$/g, ""))
    .filter(Boolean);
}

/** Russian patronymics (and the Turkic "оглы/кызы/улы" forms), which one side may have and the other not. */
export const PATRONYMIC = /(?:вич|вна|ична|чна|инична|оглы|кызы|улы)$/;

const sameWords = (a: string[], b: string[]) => {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((w, i) => w === y[i]);
};

/**
 * The same person, whatever the order of first and last name; a patronymic on one side only is tolerated.
 * A single word ("Ресепшн", "Иван") never matches: too many people share it.
 */
export function namesMatch(a: string | null | undefined, b: string | null | undefined): boolean {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length < 2 || tb.length < 2) return false;
  if (sameWords(ta, tb)) return true;
  const [short, long] = ta.length < tb.length ? [ta, tb] : [tb, ta];
  if (long.length !== short.length + 1) return false;
  // A patronymic is never written first ("Фамилия Имя Отчество", "Имя Отчество Фамилия"); a first word ending
  // in "-вич" is a surname (Абрамович) and must not be dropped.
  return long.some(
    (w, i) => i > 0 && PATRONYMIC.test(w) && sameWords(short, [...long.slice(0, i), ...long.slice(i + 1)]),
  );
}
