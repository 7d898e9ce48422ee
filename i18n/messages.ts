import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Locale } from "./config";

type Messages = Record<string, unknown>;

/**
 * A locale's messages: `messages/<locale>.json` plus every `messages/<locale>/<namespace>.json`, so each
 * feature keeps its strings in its own file. A namespace file holds one top-level key, its namespace.
 */
export function loadMessages(locale: Locale, root = path.join(process.cwd(), "messages")): Messages {
  const base = JSON.parse(readFileSync(path.join(root, `${locale}.json`), "utf8")) as Messages;
  const dir = path.join(root, locale);
  if (!existsSync(dir)) return base;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const extra = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Messages;
    for (const [key, value] of Object.entries(extra)) {
      if (key in base) throw new Error(`messages/${locale}/${file}: namespace "${key}" is defined twice`);
      base[key] = value;
    }
  }
  return base;
}
