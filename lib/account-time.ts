// Days and times in the amoCRM account's time zone (a Novosibirsk company's day starts at 00:00 Novosibirsk).
// Pure (Intl only), so the server's charts and the browser's period filters cut days the same way.

/** amoCRM accounts in Russia mostly run on Moscow time; the zone when an account names none. */
export const DEFAULT_TIME_ZONE = "Europe/Moscow";

const DAY_MS = 86_400_000;
const IANA = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/** An IANA zone name this runtime knows ("Asia/Novosibirsk", "UTC"); offsets and abbreviations are not. */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== "string" || name.length > 64 || !IANA.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The given zone when valid, else Moscow. */
export const timeZoneOr = (name: unknown): string => (isTimeZone(name) ? name : DEFAULT_TIME_ZONE);

const partsFormat = new Map<string, Intl.DateTimeFormat>();
function wallClock(at: number, timeZone: string) {
  let f = partsFormat.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormat.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return {
    y: Number(p.year),
    m: Number(p.month),
    d: Number(p.day),
    h: Number(p.hour),
    min: Number(p.minute),
    s: Number(p.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (Novosibirsk: +7 h). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s);
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}

/** "YYYY-MM-DD" of the account's calendar day an instant falls in. */
export function dayOf(at: Date, timeZone: string): string {
  const w = wallClock(at.getTime(), timeZone);
  return `${w.y}-${String(w.m).padStart(2, "0")}-${String(w.d).padStart(2, "0")}`;
}

const parseDay = (day: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
};

/** The day `n` calendar days after (or before) "YYYY-MM-DD". */
export function shiftDay(day: string, n: number): string {
  const start = parseDay(day);
  if (start === null) throw new RangeError(`not a day: ${day}`);
  return new Date(start + n * DAY_MS).toISOString().slice(0, 10);
}

/** The first instant of an account day ("YYYY-MM-DD"), daylight saving included; null for anything else. */
export function dayStart(day: string, timeZone: string): Date | null {
  const midnightUtc = parseDay(day);
  if (midnightUtc === null) return null;
  // Guess with the offset at UTC midnight, then correct once with the offset at the guess.
  let at = midnightUtc - zoneOffsetMs(midnightUtc, timeZone);
  at = midnightUtc - zoneOffsetMs(at, timeZone);
  return new Date(at);
}

/** The last millisecond of an account day. */
export function dayEnd(day: string, timeZone: string): Date | null {
  const next = dayStart(shiftDay(day, 1), timeZone);
  return next && new Date(next.getTime() - 1);
}

/** Every account day from the one of `from` to the one of `to`, inclusive, at most `max` (the latest). */
export function daysBetween(from: Date, to: Date, timeZone: string, max: number): string[] {
  const first = dayOf(from, timeZone);
  const days: string[] = [];
  for (let d = dayOf(to, timeZone); d >= first && days.length < max; d = shiftDay(d, -1)) days.push(d);
  return days.reverse();
}
