// The amoCRM widget manifest (reference §4.1–4.3 and the official integrations/structure, integrations/fields
// pages it cites), as a zod schema: what amoCRM requires of an uploaded widget archive, so our own package
// is checked against the documentation rather than against what happens to work in the emulator.
import { z } from "zod";

/** A key into the widget's i18n files, e.g. "widget.name" (manifest strings are never literal text). */
const i18nKey = z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/, "must be an i18n key like widget.name");

/** Languages a widget may ship (structure page: ru, en, es; the i18n folder also lists pt). */
export const WIDGET_LOCALES = ["ru", "en", "es", "pt"] as const;

/** `settings.{code}.type` (integrations/fields). */
export const SETTING_TYPES = ["text", "pass", "users", "users_lp", "custom"] as const;

const settingField = z.object({
  name: i18nKey,
  type: z.enum(SETTING_TYPES),
  required: z.boolean(),
});
const settingsBlock = z.record(z.string().regex(/^[a-z0-9_]+$/i, "a field code"), settingField);

/** Areas (reference §4.2). Card and list areas may carry `-0`/`-1`: whether the right column is used. */
export const WIDGET_LOCATIONS = [
  "llist",
  "clist",
  "tlist",
  "culist",
  "lcard",
  "ccard",
  "comcard",
  "cucard",
  "card_sdk",
  "catalogs",
  "digital_pipeline",
  "lead_sources",
  "whatsapp_modal",
  "settings",
  "advanced_settings",
  "salesbot_designer",
  "sms",
  "mobile_card",
  "amoforms",
  "everywhere",
  "widget_page",
  "personal_page",
  "website_chat_button",
] as const;
const area = z.string().refine((l) => {
  const m = /^([a-z_]+?)(?:-([01]))?$/.exec(l);
  return Boolean(m && (WIDGET_LOCATIONS as readonly string[]).includes(m[1] ?? ""));
}, "unknown widget location");
export const areaOf = (location: string) => location.replace(/-[01]$/, "");

/** An image path inside the archive, as the tour uses them ("/images/tour_1_ru.png"). */
const imagePath = z.string().regex(/^\/?images\/[\w.-]+\.(png|jpe?g|gif)$/i, "an image under images/");

const httpsUrl = z.url({ protocol: /^https$/ });

export const widgetManifestSchema = z
  .object({
    widget: z.object({
      name: i18nKey,
      description: i18nKey,
      short_description: i18nKey,
      /** Informative only (bump on every upload); the official example uses semver. */
      version: z.string().min(1),
      /** Interface 1 is closed to new widgets. */
      interface_version: z.literal(2),
      init_once: z.boolean(),
      locale: z.array(z.enum(WIDGET_LOCALES)).min(1),
      installation: z.boolean(),
      is_showcase: z.boolean().optional(),
      /** Old examples carry a code; amoCRM assigns one on upload. */
      code: z.string().optional(),
      support: z
        .object({ link: z.url().optional(), email: z.email().optional() })
        .refine((s) => Boolean(s.link || s.email), "support needs a link or an e-mail"),
    }),
    locations: z.array(area).min(1),
    /** Mandatory since November 2019; `is_tour: false` is deprecated. */
    tour: z.object({
      is_tour: z.literal(true),
      tour_images: z.partialRecord(z.enum(WIDGET_LOCALES), z.array(imagePath).min(1)),
      tour_description: i18nKey,
    }),
    settings: settingsBlock.optional(),
    dp: z
      .object({
        settings: settingsBlock,
        action_multiple: z.boolean(),
        /** amoCRM posts DP events here directly; the documentation requires SSL. */
        webhook_url: httpsUrl.optional(),
        title: i18nKey.optional(),
      })
      .optional(),
    advanced: z.object({ title: i18nKey }).optional(),
    salesbot_designer: z.record(z.string(), z.object({ name: i18nKey }).loose()).optional(),
    sms: z.object({ endpoint: httpsUrl }).optional(),
    mobile: z.object({ frame_url: httpsUrl, color: z.string().optional() }).optional(),
    amoforms_settings: z
      .object({ title: i18nKey, required: z.boolean().optional(), error_text: i18nKey.optional() })
      .optional(),
  })
  .superRefine((m, ctx) => {
    const areas = new Set(m.locations.map(areaOf));
    const need = (cond: boolean, path: string[], message: string) => {
      if (!cond) ctx.addIssue({ code: "custom", path, message });
    };
    // Blocks that only make sense with their area, and areas that need their block (structure page).
    need(!areas.has("digital_pipeline") || Boolean(m.dp), ["dp"], "digital_pipeline needs a dp block");
    need(!m.dp || areas.has("digital_pipeline"), ["dp"], "dp block without the digital_pipeline location");
    need(!areas.has("sms") || Boolean(m.sms), ["sms"], "the sms location needs sms.endpoint");
    need(!areas.has("mobile_card") || Boolean(m.mobile), ["mobile"], "mobile_card needs mobile.frame_url");
    need(
      !areas.has("advanced_settings") || Boolean(m.advanced),
      ["advanced"],
      "advanced_settings needs advanced.title",
    );
    need(
      !areas.has("salesbot_designer") || Boolean(m.salesbot_designer),
      ["salesbot_designer"],
      "salesbot_designer location needs its block",
    );
    need(!m.widget.installation || Boolean(m.settings), ["settings"], "an installable widget needs settings");
    need(
      !m.widget.is_showcase || !m.widget.installation,
      ["widget", "is_showcase"],
      "a showcase is not installed",
    );
    for (const lang of m.widget.locale) {
      need(
        Boolean(m.tour.tour_images[lang]?.length),
        ["tour", "tour_images", lang],
        `no tour images for ${lang}`,
      );
    }
  });

export type WidgetManifest = z.infer<typeof widgetManifestSchema>;

/**
 * Logo files every widget archive carries, with their sizes (integrations/structure: "В папке images/ должны
 * быть файлы с размерами"); logo_dp is the tile amoCRM draws in the Digital Pipeline (web_sdk/digital_pipeline).
 */
export const REQUIRED_LOGOS = {
  "images/logo_main.png": { width: 400, height: 272 },
  "images/logo_small.png": { width: 108, height: 108 },
  "images/logo.png": { width: 130, height: 100 },
  "images/logo_medium.png": { width: 240, height: 84 },
  "images/logo_min.png": { width: 84, height: 84 },
  "images/logo_dp.png": { width: 174, height: 109 },
} as const;

/** Every file of the archive the manifest points at: script, one i18n file per locale, tour images, logos. */
export function referencedFiles(m: WidgetManifest): string[] {
  const tour = Object.values(m.tour.tour_images).flatMap((paths) => paths ?? []);
  return [
    "manifest.json",
    "script.js",
    ...m.widget.locale.map((l) => `i18n/${l}.json`),
    ...tour.map((p) => p.replace(/^\//, "")),
    ...Object.keys(REQUIRED_LOGOS),
  ];
}

/** Every i18n key the manifest uses (each must resolve in every locale's file). */
export function manifestI18nKeys(m: WidgetManifest): string[] {
  const fieldNames = (block?: Record<string, { name: string }>) =>
    Object.values(block ?? {}).map((f) => f.name);
  return [
    m.widget.name,
    m.widget.description,
    m.widget.short_description,
    m.tour.tour_description,
    ...fieldNames(m.settings),
    ...fieldNames(m.dp?.settings),
    ...(m.dp?.title ? [m.dp.title] : []),
    ...(m.advanced ? [m.advanced.title] : []),
  ];
}
