// The amoCRM widget archive: the sources in widget/ with Amango's address baked in, plus the logos drawn at
// build time. One function for `npm run widget:build`, the portal's download route and the tests, so what
// the tests check is byte for byte what a customer uploads.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { strToU8, unzipSync, zipSync } from "fflate";
import { REQUIRED_LOGOS, type WidgetManifest, widgetManifestSchema } from "./manifest-schema";
import { drawLogo } from "./png";

/** The placeholder in widget/script.js and widget/manifest.json that becomes APP_URL. */
export const APP_URL_PLACEHOLDER = "__AMANGO_APP_URL__";

export const WIDGET_SOURCE_DIR = path.join(process.cwd(), "widget");

/** What goes into the archive (widget/README.md and anything else in the folder stays out). */
const PACKAGED =
  /^(manifest\.json|script\.js|i18n\/[a-z]{2}\.json|images\/[\w.-]+\.(png|jpe?g|gif)|templates\/[\w.-]+\.twig)$/;

/** Tour pictures: the manifest must list some per locale; their size is not prescribed. */
const TOUR_SIZE = { width: 800, height: 500 };

function readTree(dir: string, prefix = ""): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...readTree(full, rel));
    else out.push([rel, new Uint8Array(readFileSync(full))]);
  }
  return out;
}

/** APP_URL without a trailing slash; refuses anything but an absolute http(s) URL. */
export function normaliseAppUrl(appUrl: string): string {
  const u = new URL(appUrl);
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw new Error(`APP_URL must be http(s): ${appUrl}`);
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

/** The archive's files by path (e.g. "images/logo_min.png"), ready to zip. */
export function widgetPackageFiles({
  appUrl,
  sourceDir = WIDGET_SOURCE_DIR,
}: {
  appUrl: string;
  sourceDir?: string;
}): Map<string, Uint8Array> {
  if (!existsSync(path.join(sourceDir, "manifest.json")))
    throw new Error(`no widget sources in ${sourceDir}`);
  const base = normaliseAppUrl(appUrl);
  const files = new Map<string, Uint8Array>();
  for (const [rel, bytes] of readTree(sourceDir).filter(([rel]) => PACKAGED.test(rel))) {
    const text = /\.(js|json)$/.test(rel) ? Buffer.from(bytes).toString("utf8") : null;
    files.set(rel, text === null ? bytes : strToU8(text.split(APP_URL_PLACEHOLDER).join(base)));
  }
  const manifest = widgetManifestSchema.parse(
    JSON.parse(Buffer.from(files.get("manifest.json")!).toString("utf8")),
  );
  for (const [file, size] of Object.entries(REQUIRED_LOGOS)) {
    if (!files.has(file)) files.set(file, drawLogo(size.width, size.height));
  }
  for (const image of tourImages(manifest)) {
    if (!files.has(image)) files.set(image, drawLogo(TOUR_SIZE.width, TOUR_SIZE.height));
  }
  return files;
}

function tourImages(m: WidgetManifest): string[] {
  return Object.values(m.tour.tour_images)
    .flatMap((p) => p ?? [])
    .map((p) => p.replace(/^\//, ""));
}

/**
 * The zip amoCRM takes: manifest.json at the archive root (not inside a folder). Fixed timestamps so the
 * same sources and APP_URL give the same bytes.
 */
export function buildWidgetZip(opts: { appUrl: string; sourceDir?: string }): Uint8Array {
  const files = widgetPackageFiles(opts);
  const mtime = new Date("2026-01-01T00:00:00Z");
  return zipSync(Object.fromEntries([...files].map(([name, data]) => [name, [data, { mtime }] as const])), {
    level: 9,
  });
}

/** The archive's files (for tests and for serving an unpacked copy). */
export function unpackWidgetZip(zip: Uint8Array): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(zip)));
}
