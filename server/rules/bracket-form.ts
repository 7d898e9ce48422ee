/**
 * `application/x-www-form-urlencoded` with PHP-style bracket keys (`event[data][id]=1`) → a nested object of
 * strings, the shape amoCRM's form-encoded webhooks have (amocrm-api.md §4.3, §7). `a[]=x` appends.
 * Keys that could reach an object's prototype are refused: the body comes from the network.
 */
type Node = { [key: string]: Node | Node[] | string | string[] };

const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);

export function parseBracketForm(raw: string): Record<string, unknown> {
  const root: Node = Object.create(null);
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = keyPath(key);
    if (path.some((p) => FORBIDDEN.has(p))) throw new Error(`refused form key "${key}"`);
    assign(root, path, value, key);
  }
  return root;
}

/** `a[b][c]` → ["a","b","c"]; `a[]` → ["a",""]; anything after a malformed bracket stays in the name. */
function keyPath(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0 || !key.endsWith("]")) return [key];
  const rest = key.slice(open);
  if (!/^(\[[^[\]]*\])+$/.test(rest)) return [key];
  return [key.slice(0, open), ...rest.slice(1, -1).split("][")];
}

function assign(node: Node, path: string[], value: string, key: string): void {
  const [head, ...tail] = path as [string, ...string[]];
  const existing = node[head];
  if (tail.length === 0) {
    if (existing !== undefined && typeof existing !== "string")
      throw new Error(`form key "${key}" conflicts`);
    node[head] = value;
    return;
  }
  if (tail.length === 1 && tail[0] === "") {
    if (existing === undefined) node[head] = [value];
    else if (Array.isArray(existing)) (existing as string[]).push(value);
    else throw new Error(`form key "${key}" conflicts`);
    return;
  }
  if (existing === undefined) node[head] = Object.create(null) as Node;
  const child = node[head];
  if (typeof child !== "object" || Array.isArray(child)) throw new Error(`form key "${key}" conflicts`);
  assign(child, tail, value, key);
}
