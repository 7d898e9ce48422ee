import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AMOCRM_SAMPLES } from "@/test/fixtures";
import {
  manifestI18nKeys,
  REQUIRED_LOGOS,
  referencedFiles,
  type WidgetManifest,
  widgetManifestSchema,
} from "./manifest-schema";
import { APP_URL_PLACEHOLDER, unpackWidgetZip } from "./package";
import { pngSize } from "./png";

const APP_URL = "https://amango.example.ru";
const text = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString("utf8");

/** `npm run widget:build`, for real: the archive a customer would upload. */
function buildWithScript(appUrl: string): Map<string, Uint8Array> {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "amango-widget-")), "widget.zip");
  const tsx = path.join(process.cwd(), "node_modules/.bin/tsx");
  const run = spawnSync(tsx, ["scripts/widget-build.ts", out], {
    env: { ...process.env, APP_URL: appUrl },
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  return unpackWidgetZip(new Uint8Array(readFileSync(out)));
}

const files = buildWithScript(APP_URL);
const manifest = JSON.parse(text(files.get("manifest.json"))) as unknown;

/** Evaluates script.js as amoCRM does: an AMD define() whose factory returns the widget constructor. */
function instantiate(script: string) {
  let factory: ((...deps: unknown[]) => new () => { callbacks: Record<string, unknown> }) | undefined;
  const define = (_deps: string[], f: typeof factory) => {
    factory = f;
  };
  new Function("define", script)(define);
  const Widget = factory!({});
  return new Widget();
}

describe("the built widget.zip", () => {
  it("holds a manifest valid against the schema written from the reference", () => {
    const parsed = widgetManifestSchema.safeParse(manifest);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const m = parsed.data!;
    expect(m.locations).toEqual(expect.arrayContaining(["everywhere", "digital_pipeline", "settings"]));
    expect(m.widget.init_once).toBe(true);
    expect(m.widget.locale).toEqual(["ru", "en"]);
  });

  it("holds every file the manifest references, logos at the documented sizes", () => {
    const m = manifest as WidgetManifest;
    // Exactly those: nothing else of widget/ (its README) ends up in the archive.
    expect([...files.keys()].sort()).toEqual([...new Set(referencedFiles(m))].sort());
    for (const [file, size] of Object.entries(REQUIRED_LOGOS))
      expect(pngSize(files.get(file)!)).toEqual(size);
    for (const image of m.tour.tour_images.ru ?? [])
      expect(pngSize(files.get(image.slice(1))!)).not.toBeNull();
  });

  it("resolves every i18n key of the manifest in Russian and in English", () => {
    const keys = manifestI18nKeys(manifest as WidgetManifest);
    for (const locale of ["ru", "en"]) {
      const dict = JSON.parse(text(files.get(`i18n/${locale}.json`))) as Record<
        string,
        Record<string, string>
      >;
      for (const key of keys) {
        const [section, name] = key.split(".") as [string, string];
        expect(dict[section]?.[name], `${locale}: ${key}`).toEqual(expect.any(String));
      }
    }
  });

  it("bakes APP_URL into script.js and the support link, leaving no placeholder", () => {
    const script = text(files.get("script.js"));
    expect(script).toContain(`const BUILT_APP_URL = "${APP_URL}";`);
    expect(script).not.toContain(APP_URL_PLACEHOLDER);
    expect((manifest as WidgetManifest).widget.support.link).toBe(`${APP_URL}/`);
  });

  it("is an AMD module whose widget has the SDK callbacks", () => {
    const widget = instantiate(text(files.get("script.js")));
    for (const cb of ["render", "init", "bind_actions", "settings", "onSave", "dpSettings", "destroy"]) {
      expect(typeof widget.callbacks[cb], cb).toBe("function");
    }
  });
});

// biome-ignore lint/suspicious/noExplicitAny: each case spoils an arbitrary field of a parsed manifest
type Loose = Record<string, any>;
const base = () => structuredClone(manifest) as Loose;

describe("widgetManifestSchema", () => {
  it("accepts the documented manifests of the reference", () => {
    const samples = AMOCRM_SAMPLES;
    // The official example carries // comments (not JSON as published): strip them as a reader would.
    const official = readFileSync(path.join(samples, "manifest-official-example.txt"), "utf8").replace(
      /^\s*\/\/.*$/gm,
      "",
    );
    expect(widgetManifestSchema.safeParse(JSON.parse(official)).success).toBe(true);
    const miko = JSON.parse(readFileSync(path.join(samples, "manifest-real-mikopbx-telephony.json"), "utf8"));
    expect(widgetManifestSchema.safeParse(miko).success).toBe(true);
  });

  it.each([
    ["digital_pipeline without a dp block", (m: Loose) => delete m.dp],
    ["dp without action_multiple", (m: Loose) => delete m.dp.action_multiple],
    ["a DP webhook without SSL", (m: Loose) => (m.dp.webhook_url = "http://x.ru/dp")],
    ["an unknown location", (m: Loose) => m.locations.push("lcard-2")],
    ["literal text instead of an i18n key", (m: Loose) => (m.widget.name = "Amango")],
    ["no support link nor e-mail", (m: Loose) => (m.widget.support = {})],
    ["interface version 1", (m: Loose) => (m.widget.interface_version = 1)],
    ["an installable widget without settings", (m: Loose) => delete m.settings],
    ["a locale without tour images", (m: Loose) => delete m.tour.tour_images.en],
    ["an unknown setting type", (m: Loose) => (m.settings.app_url.type = "select")],
  ])("refuses %s", (_name, spoil) => {
    const m = base();
    spoil(m);
    expect(widgetManifestSchema.safeParse(m).success).toBe(false);
  });
});
