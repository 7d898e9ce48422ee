import { namesMatch, nameTokens, PATRONYMIC } from "./normalize";

/**
 * How sure we are that two typed names are the same person, 0 (no idea) … 1 (the same words). Used only to
 * *propose* a pair when e-mails differ: a person accepts or rejects it, nothing is paired by itself.
 *
 * - 1: the same words in any order, ё/е and case ignored, a patronymic on one side only (`namesMatch`);
 * - 0.8: the surname the same and the other word an initial of it («Смирнов А.» ↔ «Алексей Смирнов»);
 * - 0.75: one word off by a single letter, the other the same («Лопаткин» ↔ «Лопаткинн»);
 * - Latin spellings are compared after transliteration («Vasily Lopatkin» ↔ «Василий Лопаткин»), at 0.9 of the
 *   score above (transliteration has several spellings).
 * Otherwise 0. Below the proposal threshold nothing is shown.
 */
export const NAME_INITIAL_SCORE = 0.8;
export const NAME_TYPO_SCORE = 0.75;
const TRANSLIT_FACTOR = 0.9;

/** A pair below this is not proposed. */
export const MIN_NAME_CONFIDENCE = 0.6;

/** Words without a patronymic (never the first word: «Абрамович Роман» keeps its surname). */
function core(tokens: string[]): string[] {
  if (tokens.length !== 3) return tokens;
  const i = tokens.findIndex((w, k) => k > 0 && PATRONYMIC.test(w));
  return i < 0 ? tokens : tokens.filter((_, k) => k !== i);
}

/** Levenshtein distance, stopped early above 1 (all we need). */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

function wordScore(a: string, b: string): number {
  if (a === b) return a.length > 1 ? 1 : 0;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 1) return long.length > 1 && long.startsWith(short) ? NAME_INITIAL_SCORE : 0;
  if (short.length >= 4 && withinOneEdit(a, b)) return NAME_TYPO_SCORE;
  return 0;
}

/** Two words each: the best pairing of them; at least one full word must be the same. */
function pairScore(a: string[], b: string[]): number {
  if (a.length !== 2 || b.length !== 2) return 0;
  let best = 0;
  for (const [x, y] of [
    [b[0]!, b[1]!],
    [b[1]!, b[0]!],
  ] as const) {
    const s1 = wordScore(a[0]!, x);
    const s2 = wordScore(a[1]!, y);
    if (s1 === 0 || s2 === 0) continue;
    if (s1 < 1 && s2 < 1) continue;
    best = Math.max(best, Math.min(s1, s2));
  }
  return best;
}

const LATIN: Record<string, string> = {
  shch: "щ",
  sch: "щ",
  zh: "ж",
  kh: "х",
  ts: "ц",
  ch: "ч",
  sh: "ш",
  yu: "ю",
  ya: "я",
  yo: "е",
  iy: "ий",
  yy: "ый",
  a: "а",
  b: "б",
  v: "в",
  w: "в",
  g: "г",
  d: "д",
  e: "е",
  z: "з",
  i: "и",
  y: "й",
  j: "й",
  k: "к",
  l: "л",
  m: "м",
  n: "н",
  o: "о",
  p: "п",
  r: "р",
  s: "с",
  t: "т",
  u: "у",
  f: "ф",
  h: "х",
  c: "к",
  x: "кс",
  q: "к",
};
const LATIN_KEYS = Object.keys(LATIN).sort((a, b) => b.length - a.length);

/** A rough Cyrillic reading of a Latin word ("vasily" → "василй", close enough for `withinOneEdit`). */
function cyrillicOf(word: string): string {
  let out = "";
  for (let i = 0; i < word.length; ) {
    const key = LATIN_KEYS.find((k) => word.startsWith(k, i));
    if (key) {
      out += LATIN[key];
      i += key.length;
    } else out += word[i++];
  }
  return out;
}

const isLatin = (tokens: string[]) => tokens.some((w) => /[a-z]/.test(w));

function scoreTokens(a: string[], b: string[]): number {
  return pairScore(core(a), core(b));
}

export function nameSimilarity(a: string | null | undefined, b: string | null | undefined): number {
  if (namesMatch(a, b)) return 1;
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  const direct = scoreTokens(ta, tb);
  if (direct > 0 || isLatin(ta) === isLatin(tb)) return direct;
  const [latin, cyrillic] = isLatin(ta) ? [ta, tb] : [tb, ta];
  const read = latin.map(cyrillicOf);
  const exact = namesMatch(read.join(" "), cyrillic.join(" ")) ? 1 : scoreTokens(read, cyrillic);
  return Math.round(exact * TRANSLIT_FACTOR * 100) / 100;
}
