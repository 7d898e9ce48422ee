// The tenant's Contact Center topic tree (/vpbx/cc/tags/), cached in cc_topics and refreshed when a call
// names a topic the cache does not know: topics are shown by their path in the tree («Продажи / Консультация»).
import { and, eq, isNull, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { ccTopics } from "@/db/schema";
import type { MangoCcTopic } from "@/server/mango/domain";

export type TopicNode = { topicId: number; parentId: number | null; name: string; isFolder: boolean };

/** The separator of a topic's path, as amoCRM shows it in a note and in the field's options. */
export const PATH_SEPARATOR = " / ";

/** How a topic MANGO no longer names is shown. */
export const unnamedTopic = (id: number) => `тема #${id}`;

/**
 * A topic's path from the root. A parent missing from the tree ends the path there; a cycle (a hand-edited
 * tree) is cut at the first repeat rather than looping.
 */
export function topicPath(id: number, byId: ReadonlyMap<number, TopicNode>): string {
  const names: string[] = [];
  const seen = new Set<number>();
  for (let node = byId.get(id); node && !seen.has(node.topicId); node = byId.get(node.parentId ?? NaN)) {
    seen.add(node.topicId);
    names.unshift(node.name.trim() || unnamedTopic(node.topicId));
    if (node.parentId === null) break;
  }
  return names.length > 0 ? names.join(PATH_SEPARATOR) : unnamedTopic(id);
}

export async function cachedTopics(db: Db, { tenantId }: { tenantId: string }): Promise<TopicNode[]> {
  return db
    .select({
      topicId: ccTopics.topicId,
      parentId: ccTopics.parentId,
      name: ccTopics.name,
      isFolder: ccTopics.isFolder,
    })
    .from(ccTopics)
    .where(and(eq(ccTopics.tenantId, tenantId), isNull(ccTopics.removedAt)));
}

/**
 * Replaces the cache with MANGO's tree: new and renamed topics upserted, topics gone from MANGO marked
 * removed (kept: their «Тематики КЦ» option id must not be lost if MANGO brings them back).
 */
export async function storeTopicTree(
  db: Db,
  { tenantId, topics, now }: { tenantId: string; topics: MangoCcTopic[]; now: Date },
): Promise<void> {
  const unique = [...new Map(topics.map((t) => [t.id, t])).values()];
  await db.transaction(async (tx) => {
    if (unique.length > 0)
      await tx
        .insert(ccTopics)
        .values(
          unique.map((t) => ({
            tenantId,
            topicId: t.id,
            parentId: t.parentId,
            name: t.name,
            isFolder: t.isFolder,
            fetchedAt: now,
          })),
        )
        .onConflictDoUpdate({
          target: [ccTopics.tenantId, ccTopics.topicId],
          set: {
            parentId: sql`excluded.parent_id`,
            name: sql`excluded.name`,
            isFolder: sql`excluded.is_folder`,
            fetchedAt: now,
            removedAt: null,
          },
        });
    await tx
      .update(ccTopics)
      .set({ removedAt: now })
      .where(
        and(
          eq(ccTopics.tenantId, tenantId),
          isNull(ccTopics.removedAt),
          ...(unique.length > 0
            ? [
                notInArray(
                  ccTopics.topicId,
                  unique.map((t) => t.id),
                ),
              ]
            : []),
        ),
      );
  });
}

/**
 * The paths of these topic ids. The cache is read first; an id it lacks makes one fresh read of MANGO's tree
 * (`listTopics`), after which an id still unknown is shown as «тема #<id>».
 */
export async function topicPaths(
  db: Db,
  o: { tenantId: string; ids: number[]; now: Date; listTopics: () => Promise<MangoCcTopic[]> },
): Promise<{ paths: string[]; refreshed: boolean }> {
  let nodes = await cachedTopics(db, o);
  let byId = new Map(nodes.map((n) => [n.topicId, n]));
  let refreshed = false;
  if (o.ids.some((id) => !byId.has(id))) {
    await storeTopicTree(db, { tenantId: o.tenantId, topics: await o.listTopics(), now: o.now });
    nodes = await cachedTopics(db, o);
    byId = new Map(nodes.map((n) => [n.topicId, n]));
    refreshed = true;
  }
  return { paths: [...new Set(o.ids)].map((id) => topicPath(id, byId)), refreshed };
}
