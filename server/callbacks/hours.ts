import { dayOf, shiftDay, zoneOffsetMs } from "@/lib/account-time";

/** The auto-callback window of the settings (`calls.autoCallback.workingHours`), on the account's clock. */
export type WorkingHours = {
  enabled: boolean;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** "HH:MM", inclusive. */
  from: string;
  /** "HH:MM", exclusive. */
  to: string;
};

/** ISO weekday (1 = Monday) of an account day "YYYY-MM-DD": the calendar's, whatever the zone. */
function isoWeekday(day: string): number {
  const utc = new Date(`${day}T00:00:00.000Z`).getUTCDay();
  return utc === 0 ? 7 : utc;
}

/** The instant the account's wall clock shows `hhmm` on `day` (the zone's offset at that moment, DST too). */
function wallInstant(day: string, hhmm: string, timeZone: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const wall = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), h, m);
  // Guess with the offset at the wall time read as UTC, then correct once with the offset at the guess.
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}

/** Whether the window is open at `at` in the account's zone; always open when the window is off. */
export function withinWorkingHours(hours: WorkingHours, timeZone: string, at: Date): boolean {
  if (!hours.enabled) return true;
  const day = dayOf(at, timeZone);
  if (!hours.days.includes(isoWeekday(day))) return false;
  const t = at.getTime();
  return t >= wallInstant(day, hours.from, timeZone) && t < wallInstant(day, hours.to, timeZone);
}

/**
 * When the window is next open: `at` itself when it is open now, else the next opening (the dispatcher's
 * tick is armed for it, so queued items wait for it instead of being dropped); null when no day is chosen.
 */
export function nextWorkingMoment(hours: WorkingHours, timeZone: string, at: Date): Date | null {
  if (withinWorkingHours(hours, timeZone, at)) return at;
  const today = dayOf(at, timeZone);
  for (let i = 0; i <= 7; i++) {
    const day = shiftDay(today, i);
    if (!hours.days.includes(isoWeekday(day))) continue;
    const opens = wallInstant(day, hours.from, timeZone);
    if (opens > at.getTime()) return new Date(opens);
  }
  return null;
}
