/**
 * `application/x-www-form-urlencoded` with PHP-style bracket keys (`event[data][id]=1`) → a nested object of
 * strings, the shape amoCRM's form-encoded webhooks have (amocrm-api.md §4.3, §7). `a[]=x` appends.
 * Keys that could reach an object's prototype are refused: the body comes from the network.
 *
 * The body is hostile until proven otherwise, so the parse is linear in its size: each key is scanned once
 * and walked down without copying its path, and depth and field count are bounded the way PHP bounds them
 * (`max_input_nesting_level` 64, `max_input_vars` 1000) — amoCRM's real bodies nest 4 deep and carry a few
 * dozen fields. Beyond a bound the body is refused (the intake answers 400).
 */
type Node = { [key: string]: Node | Node[] | string | string[] };

export const MAX_FORM_DEPTH = 32;
export const MAX_FORM_FIELDS = 2000;

const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);

export class FormBoundsError extends Error {}

export function parseBracketForm(raw: string): Record<string, unknown> {
  const root: Node = Object.create(null);
  let fields = 0;
  for (const [key, value] of new URLSearchParams(raw)) {
    fields += 1;
    if (fields > MAX_FORM_FIELDS) throw new FormBoundsError(`more than ${MAX_FORM_FIELDS} form fields`);
    const path = keyPath(key);
    for (const part of path) if (FORBIDDEN.has(part)) throw new Error(`refused form key "${short(key)}"`);
    assign(root, path, value, key);
  }
  return root;
}

const short = (key: string) => (key.length > 80 ? `${key.slice(0, 80)}…` : key);

/**
 * `a[b][c]` → ["a","b","c"]; `a[]` → ["a",""]; a key whose brackets are not well formed stays one name.
 * One pass over the key; refuses more than MAX_FORM_DEPTH segments before building anything large.
 */
function keyPath(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0 || !key.endsWith("]")) return [key];
  const path = [key.slice(0, open)];
  let i = open;
  while (i < key.length) {
    if (key[i] !== "[") return [key];
    const close = key.indexOf("]", i + 1);
    if (close < 0) return [key];
    const segment = key.slice(i + 1, close);
    if (segment.includes("[")) return [key];
    path.push(segment);
    if (path.length > MAX_FORM_DEPTH + 1)
      throw new FormBoundsError(`form key nested deeper than ${MAX_FORM_DEPTH} levels`);
    i = close + 1;
  }
  return path;
}

/** Walks down the path in place (no copies of it); the last segment receives the value. */
function assign(root: Node, path: string[], value: string, key: string): void {
  let node = root;
  const last = path.length - 1;
  for (let depth = 0; depth < last; depth += 1) {
    const head = path[depth]!;
    if (depth + 1 === last && path[last] === "") {
      const existing = node[head];
      if (existing === undefined) node[head] = [value];
      else if (Array.isArray(existing)) (existing as string[]).push(value);
      else throw new Error(`form key "${short(key)}" conflicts`);
      return;
    }
    if (node[head] === undefined) node[head] = Object.create(null) as Node;
    const child = node[head];
    if (typeof child !== "object" || Array.isArray(child))
      throw new Error(`form key "${short(key)}" conflicts`);
    node = child;
  }
  const leaf = path[last]!;
  const existing = node[leaf];
  if (existing !== undefined && typeof existing !== "string")
    throw new Error(`form key "${short(key)}" conflicts`);
  node[leaf] = value;
}
