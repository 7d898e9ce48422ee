import { bigint, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";

export const mangoConnectionStatus = pgEnum("mango_connection_status", ["connected", "failed"]);

/** A tenant's MANGO OFFICE PBX (key and salt themselves live sealed in tenant_secrets). */
export const mangoConnections = pgTable(
  "mango_connections",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    status: mangoConnectionStatus("status").notNull(),
    /** The API key's first and last characters, to recognise it in the portal. */
    keyHint: text("key_hint").notNull(),
    /**
     * Keyed fingerprint of the VPBX key (server/secrets/fingerprint.ts), unique: a PBX posts its events to one
     * address, so it belongs to one tenant at a time.
     */
    keyFingerprint: text("key_fingerprint"),
    verifiedAt: ts("verified_at"),
    /** When the first/last correctly signed event arrived ("Проверить" turns green on it). */
    firstEventAt: ts("first_event_at"),
    lastEventAt: ts("last_event_at"),
    lastError: text("last_error"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("mango_connections_tenant").on(t.tenantId),
    uniqueIndex("mango_connections_key_fingerprint").on(t.keyFingerprint),
  ],
);

/** A tenant's integration settings (zod-validated document, lib/domain/settings/schema.ts). */
export const integrationSettings = pgTable(
  "integration_settings",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    settings: jsonb("settings").notNull(),
    version: integer("version").notNull().default(1),
    updatedBy: uuid("updated_by"),
    ...timestamps,
  },
  (t) => [uniqueIndex("integration_settings_tenant").on(t.tenantId)],
);

/** Facts about the amoCRM side that the onboarding checklist shows. */
export const amocrmAccountState = pgTable(
  "amocrm_account_state",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    directorySyncedAt: ts("directory_synced_at"),
    ccFieldsEnsuredAt: ts("cc_fields_ensured_at"),
    /** amoCRM custom field ids of the three "ЦОВ" contact fields, by our key. */
    ccFieldIds: jsonb("cc_field_ids"),
    /** ★ The deal multi-select field «Тематики КЦ» (server/topics/field.ts), once created. */
    ccTopicsFieldId: bigint("cc_topics_field_id", { mode: "number" }),
    widgetInstalledAt: ts("widget_installed_at"),
    ...timestamps,
  },
  (t) => [uniqueIndex("amocrm_account_state_tenant").on(t.tenantId)],
);
