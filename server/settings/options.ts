import type { Db } from "@/db/client";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { directorySyncedAt, listAmocrmUsers, listPipelines } from "@/server/directory/amocrm-sync";
import { logger } from "@/server/log/logger";

export type LinesOptions =
  | { available: true; lines: { number: string; name: string | null; comment: string | null }[] }
  | { available: false; reason: "not_connected" | "unavailable"; lines: [] };

/**
 * The account's MANGO lines for "Ограничения". MANGO may be not connected yet or not answering: the
 * settings page must still open, so this answers an empty list with the reason instead of failing.
 */
export async function mangoLineOptions(db: Db, { tenantId }: { tenantId: string }): Promise<LinesOptions> {
  try {
    const client = await mangoClientFor(db, { tenantId });
    const lines = await client.getLines();
    return {
      available: true,
      lines: lines.map((l) => ({ number: l.number, name: l.name, comment: l.comment })),
    };
  } catch (err) {
    if (err instanceof MangoNotConnectedError)
      return { available: false, reason: "not_connected", lines: [] };
    logger.warn({ tenantId, err: (err as Error).message }, "settings: MANGO lines unavailable");
    return { available: false, reason: "unavailable", lines: [] };
  }
}

/**
 * What the settings form chooses from: the cached pipelines (only working stages — a call never puts a
 * deal into "won", "lost" or "Неразобранное"), the account's active users and the MANGO lines.
 */
export async function settingsOptions(db: Db, { tenantId }: { tenantId: string }) {
  const [pipelines, users, syncedAt, lines] = await Promise.all([
    listPipelines(db, { tenantId }),
    listAmocrmUsers(db, { tenantId }),
    directorySyncedAt(db, { tenantId }),
    mangoLineOptions(db, { tenantId }),
  ]);
  return {
    pipelines: pipelines.map((p) => ({
      id: p.pipelineId,
      name: p.name,
      isMain: p.isMain,
      statuses: p.statuses.filter((s) => s.type === "open").map((s) => ({ id: s.id, name: s.name })),
    })),
    users: users.filter((u) => u.isActive).map((u) => ({ id: u.amoUserId, name: u.name })),
    directorySyncedAt: syncedAt,
    lines,
  };
}
