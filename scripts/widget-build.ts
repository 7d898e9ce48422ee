import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildWidgetZip, normaliseAppUrl } from "@/server/widget/package";

// `npm run widget:build`: widget.zip for amoCRM with APP_URL baked into script.js (default http://localhost:3000;
// the portal's "Скачать виджет" builds the same archive on the fly for the running APP_URL).
// APP_URL is read directly (not through parseEnv) so building the archive needs no database or secrets.
const appUrl = normaliseAppUrl(process.env.APP_URL || "http://localhost:3000");
const out = path.resolve(process.argv[2] ?? "widget.zip");
const zip = buildWidgetZip({ appUrl });
writeFileSync(out, zip);
console.log(`widget.zip for ${appUrl}: ${out} (${zip.byteLength} bytes)`);
