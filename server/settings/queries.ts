import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, integrationSettings } from "@/db/schema";
import { type EffectiveSettings, effectiveSettings } from "@/lib/domain/settings/effective";
import {
  defaultSettings,
  type IntegrationSettings,
  upgradeStoredSettings,
} from "@/lib/domain/settings/schema";

/** Someone saved after this form was loaded: their change must not be overwritten blindly. */
export class SettingsConflictError extends Error {
  override name = "SettingsConflictError";
}

export type StoredSettings = {
  settings: IntegrationSettings;
  /** 0 while nothing is saved; the optimistic-lock token a save must send back. */
  version: number;
  updatedAt: Date | null;
};

/** The tenant's settings, or the defaults (version 0) when none were saved yet. */
export async function getSettings(db: Db, { tenantId }: { tenantId: string }): Promise<StoredSettings> {
  const [row] = await db.select().from(integrationSettings).where(eq(integrationSettings.tenantId, tenantId));
  if (!row) return { settings: defaultSettings(), version: 0, updatedAt: null };
  return { settings: upgradeStoredSettings(row.settings), version: row.version, updatedAt: row.updatedAt };
}

/** What call handling and the Contact Center apply: children of an off parent count as off. */
export async function getEffectiveSettings(
  db: Db,
  { tenantId }: { tenantId: string },
): Promise<EffectiveSettings> {
  return effectiveSettings((await getSettings(db, { tenantId })).settings);
}

type Leaves = Record<string, unknown>;

/** Flattens a document to `dotted.path → value` (arrays and stage refs are leaves), for the audit diff. */
function leaves(value: unknown, prefix = "", out: Leaves = {}): Leaves {
  const isBranch =
    value !== null && typeof value === "object" && !Array.isArray(value) && !("statusId" in value);
  if (!isBranch) {
    out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** Only the fields that changed, before and after: what a person reading the audit log wants to see. */
export function diffSettings(before: IntegrationSettings, after: IntegrationSettings) {
  const a = leaves(before);
  const b = leaves(after);
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );
  return {
    before: Object.fromEntries(changed.map((k) => [k, a[k] ?? null])),
    after: Object.fromEntries(changed.map((k) => [k, b[k] ?? null])),
  };
}

/**
 * Saves the document if `expectedVersion` is still the stored one (else SettingsConflictError), and writes
 * the change to the audit log in the same transaction. Saving an unchanged document changes nothing.
 */
export async function saveSettings(
  db: Db,
  input: { tenantId: string; actorUserId: string; expectedVersion: number; settings: IntegrationSettings },
): Promise<StoredSettings> {
  const { tenantId } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(integrationSettings)
      .where(eq(integrationSettings.tenantId, tenantId))
      .for("update");
    const current = row ? row.version : 0;
    if (current !== input.expectedVersion) throw new SettingsConflictError(`stored ${current}`);
    const before = row ? upgradeStoredSettings(row.settings) : defaultSettings();
    const diff = diffSettings(before, input.settings);
    if (row && Object.keys(diff.after).length === 0)
      return { settings: before, version: row.version, updatedAt: row.updatedAt };

    const [saved] = row
      ? await tx
          .update(integrationSettings)
          .set({
            settings: input.settings,
            version: row.version + 1,
            updatedBy: input.actorUserId,
            updatedAt: new Date(),
          })
          .where(and(eq(integrationSettings.tenantId, tenantId), eq(integrationSettings.version, current)))
          .returning()
      : // Two first saves racing: the unique index on tenant_id lets one insert win, the other conflicts.
        await tx
          .insert(integrationSettings)
          .values({ tenantId, settings: input.settings, version: 1, updatedBy: input.actorUserId })
          .onConflictDoNothing()
          .returning();
    if (!saved) throw new SettingsConflictError("saved concurrently");
    await tx.insert(auditLog).values({
      tenantId,
      actorUserId: input.actorUserId,
      action: "settings.update",
      target: "integration_settings",
      before: diff.before,
      after: diff.after,
    });
    return { settings: input.settings, version: saved.version, updatedAt: saved.updatedAt };
  });
}
