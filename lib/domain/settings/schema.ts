import { z } from "zod";

/**
 * "Основные настройки интеграции": one document per tenant (table integration_settings), mirroring the tabs
 * of MANGO's own amoCRM widget (reference mango-cc-and-widget.md §2.3–2.8). Every field has a default, so
 * `{}` is a complete document and a field added later needs no data migration — only a bump of
 * SETTINGS_SCHEMA_VERSION and a step in `upgradeStoredSettings` when a field changes meaning.
 *
 * Dependent flags keep their value when their parent is turned off (the user gets them back on turning
 * the parent on again); what the integration actually applies is `effectiveSettings()` (./effective.ts).
 */
export const SETTINGS_SCHEMA_VERSION = 1;

/**
 * An amoCRM id (pipeline, stage, user): picked from a list, never typed, but bounded like everything the
 * portal accepts, with Russian messages that say what is wrong.
 */
const amoId = (what: string) =>
  z
    .number({ error: `${what}: нужен идентификатор amoCRM` })
    .int({ error: `${what}: идентификатор — целое число` })
    .positive({ error: `${what}: идентификатор не может быть отрицательным или нулём` });

/** A stage of an amoCRM pipeline; null = not chosen (amoCRM's default: first stage of the main pipeline). */
export const stageRefSchema = z
  .object({ pipelineId: amoId("Воронка"), statusId: amoId("Этап") })
  .nullable()
  .default(null);
export type StageRef = z.infer<typeof stageRefSchema>;

const amoUserId = amoId("Пользователь amoCRM").nullable().default(null);

/** MANGO line numbers: digits, SIP addresses (`sip:line@…mangosip.ru`); MANGO's own limit is 128 bytes. */
export const LINE_NUMBER_MAX = 128;
export const LINES_MAX = 500;
export const AUTO_CALLBACK_RATE_MAX = 1000;
/** The rate used until the owner sets one (MANGO's widget starts the queue without asking). */
export const AUTO_CALLBACK_DEFAULT_RATE = 2;
export const AUTO_CALLBACK_COOLDOWN_MAX = 24 * 60;

/** "09:00": a wall-clock time of the account's timezone. */
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "Время в формате ЧЧ:ММ" });

/** Incoming call from an unknown number (§2.3 "Действие для нового Клиента"). */
export const NEW_CLIENT_ACTIONS = ["contact", "contact_and_deal", "manual"] as const;
/** Incoming call from a known client (§2.3 "Действие для повторного"). */
export const REPEAT_CLIENT_ACTIONS = ["manual", "always_deal", "deal_if_no_open"] as const;

const callsSchema = z.object({
  newClientAction: z.enum(NEW_CLIENT_ACTIONS).default("contact_and_deal"),
  repeatClientAction: z.enum(REPEAT_CLIENT_ACTIONS).default("deal_if_no_open"),
  /** Where deals created by call handling are put: "Воронка/этап для принятых / пропущенных". */
  answeredStage: stageRefSchema,
  missedStage: stageRefSchema,
  /** "Создавать контакт при звонке на новый номер" → dependent "Создавать сделку". */
  outgoing: z
    .object({ createContact: z.boolean().default(false), createDeal: z.boolean().default(false) })
    .prefault({}),
  /** Task for a missed call; responsible null = the client's responsible user. */
  missedTasks: z.object({ enabled: z.boolean().default(true), responsibleUserId: amoUserId }).prefault({}),
  /** "Сохранять все звонки": calls of employees without a mapped amoCRM user go to this user. */
  saveAllCalls: z.object({ enabled: z.boolean().default(false), userId: amoUserId }).prefault({}),
  /**
   * "Автоперезвоны в Digital воронке" (§2.7), read by the callback queue (server/callbacks):
   * ratePerMinute: calls per minute, 0 = paused, null = not set yet (AUTO_CALLBACK_DEFAULT_RATE applies);
   * workingHours: when on, items wait outside the window (the account's timezone) instead of dialing;
   * cooldownMinutes: the same client number is not auto-called again within it, by any rule.
   */
  autoCallback: z
    .object({
      ratePerMinute: z
        .number({ error: "Скорость автоперезвона: введите число звонков в минуту" })
        .int({ error: "Скорость автоперезвона: целое число звонков в минуту" })
        .min(0, { error: "Скорость автоперезвона не может быть отрицательной" })
        .max(AUTO_CALLBACK_RATE_MAX, {
          error: `Скорость автоперезвона — не больше ${AUTO_CALLBACK_RATE_MAX} звонков в минуту`,
        })
        .nullable()
        .default(null),
      workingHours: z
        .object({
          enabled: z.boolean().default(false),
          /** ISO weekdays, 1 = Monday … 7 = Sunday. */
          days: z
            .array(z.number().int().min(1).max(7))
            .max(7)
            .refine((d) => new Set(d).size === d.length, { error: "День недели указан дважды" })
            .default([1, 2, 3, 4, 5]),
          from: clockTime.default("09:00"),
          to: clockTime.default("18:00"),
        })
        .refine((w) => !w.enabled || w.from < w.to, {
          error: "Рабочее время: начало должно быть раньше конца",
          path: ["to"],
        })
        .refine((w) => !w.enabled || w.days.length > 0, {
          error: "Рабочее время: выберите хотя бы один день",
          path: ["days"],
        })
        .prefault({}),
      cooldownMinutes: z
        .number({ error: "Пауза между автоперезвонами: введите число минут" })
        .int({ error: "Пауза между автоперезвонами: целое число минут" })
        .min(0, { error: "Пауза между автоперезвонами не может быть отрицательной" })
        .max(AUTO_CALLBACK_COOLDOWN_MAX, {
          error: `Пауза между автоперезвонами — не больше ${AUTO_CALLBACK_COOLDOWN_MAX} минут`,
        })
        .default(10),
    })
    .prefault({}),
});

const extraSchema = z.object({
  /** "Интеграция с Контакт-центром" (§2.4) and its dependent options (§2.5, §2.8). */
  contactCenter: z
    .object({
      enabled: z.boolean().default(false),
      dpTasks: z
        .object({ enabled: z.boolean().default(false), openDealInNewTab: z.boolean().default(false) })
        .prefault({}),
      saveTopics: z
        .object({
          enabled: z.boolean().default(false),
          /** "Если есть сделка" / "Если нет сделки". */
          stageIfDeal: stageRefSchema,
          stageIfNoDeal: stageRefSchema,
          /** ★ Write into the client's open deal instead of creating another (MANGO always creates one). */
          intoOpenDeal: z.boolean().default(false),
          /** ★ Also put the topics into the deal's multi-select field «Тематики КЦ» (created on first use). */
          topicsField: z.boolean().default(false),
        })
        .prefault({}),
    })
    .prefault({}),
});

const limitsSchema = z.object({
  /** MANGO line numbers whose calls are processed; empty = every line. */
  lines: z
    .array(
      z
        .string()
        .trim()
        .min(1, { error: "Номер линии не может быть пустым" })
        .max(LINE_NUMBER_MAX, { error: `Номер линии — не длиннее ${LINE_NUMBER_MAX} символов` }),
    )
    .max(LINES_MAX, { error: `Выбрать можно не больше ${LINES_MAX} линий` })
    .default([]),
});

/** The stored document, without cross-field rules: what `getSettings` reads. */
export const settingsDocumentSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION).default(SETTINGS_SCHEMA_VERSION),
  calls: callsSchema.prefault({}),
  extra: extraSchema.prefault({}),
  limits: limitsSchema.prefault({}),
});

export type IntegrationSettings = z.infer<typeof settingsDocumentSchema>;
export type IntegrationSettingsInput = z.input<typeof settingsDocumentSchema>;

/**
 * Required children, checked only when their parent is on (an off parent keeps its children as they
 * are). Messages are keys of `integrationSettings.errors` so the form can translate them; the server
 * turns them into Russian text (`requiredChildMessage`).
 */
export const settingsSchema = settingsDocumentSchema.superRefine((s, ctx) => {
  if (s.calls.saveAllCalls.enabled && s.calls.saveAllCalls.userId === null)
    ctx.addIssue({ code: "custom", path: ["calls", "saveAllCalls", "userId"], message: "userRequired" });
  const cc = s.extra.contactCenter;
  if (cc.enabled && cc.saveTopics.enabled) {
    for (const key of ["stageIfDeal", "stageIfNoDeal"] as const)
      if (cc.saveTopics[key] === null)
        ctx.addIssue({
          code: "custom",
          path: ["extra", "contactCenter", "saveTopics", key],
          message: "stageRequired",
        });
  }
});

export function defaultSettings(): IntegrationSettings {
  return settingsDocumentSchema.parse({});
}

/**
 * Reads a stored document of any schema version. Version 1 is the first; later versions add their step
 * here. An unreadable document (hand-edited, or from a newer release) falls back to the defaults
 * rather than breaking call handling.
 */
export function upgradeStoredSettings(raw: unknown): IntegrationSettings {
  const parsed = settingsDocumentSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : defaultSettings();
}
