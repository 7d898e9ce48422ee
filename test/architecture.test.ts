import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The dependency directions docs/ARCHITECTURE.md states, checked on the source: a new import that breaks
 * one fails here with the file and the import, instead of being found in review.
 */
const ROOT = path.resolve(__dirname, "..");

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sourcesUnder(rel));
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

/** Every module a file imports, as written (`@/…` or relative resolved to the repository). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
  return specs.map((s) =>
    s.startsWith(".") ? `@/${path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s))}` : s,
  );
}

const offending = (files: string[], bad: (spec: string, file: string) => boolean) =>
  files.flatMap((f) =>
    importsOf(f)
      .filter((s) => bad(s, f))
      .map((s) => `${f} → ${s}`),
  );

describe("dependency directions", () => {
  it("components reach the server only through tRPC (the router's type), the rest from lib/", () => {
    expect(
      offending(sourcesUnder("components"), (s) => s.startsWith("@/server/") && s !== "@/server/trpc/router"),
    ).toEqual([]);
    expect(offending(sourcesUnder("components"), (s) => s.startsWith("@/db"))).toEqual([]);
  });

  it("lib/domain is pure: no server, database or UI code", () => {
    expect(
      offending(sourcesUnder("lib/domain"), (s) => /^@\/(server|db|components|app|inngest)\//.test(s)),
    ).toEqual([]);
  });

  it("no rule action imports the rules engine (the registry imports the actions)", () => {
    const actionFolders = ["server/actions", "server/sms", "server/callbacks", "server/campaigns"];
    expect(offending(actionFolders.flatMap(sourcesUnder), (s) => s.startsWith("@/server/rules/"))).toEqual(
      [],
    );
  });

  it("the MANGO and amoCRM clients know neither each other nor the database", () => {
    expect(offending(sourcesUnder("server/mango"), (s) => /^@\/(db|server\/amocrm)(\/|$)/.test(s))).toEqual(
      [],
    );
    expect(offending(sourcesUnder("server/amocrm"), (s) => /^@\/(db|server\/mango)(\/|$)/.test(s))).toEqual(
      [],
    );
  });

  it("nothing but tests and the demo imports an emulator", () => {
    const app = ["app", "components", "server", "inngest", "lib", "db"].flatMap(sourcesUnder);
    expect(offending(app, (s) => s.startsWith("@/emulators/"))).toEqual([]);
  });
});
