// The statements of the PostgreSQL hub (pg-hub.ts): messages for other instances and who waits for them.
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import type { Sealed } from "@/server/crypto/envelope";
import type { ChannelKey } from "./hub";

/** One NOTIFY channel for every topic and tenant; the payload names them. */
export const REALTIME_CHANNEL = "amango_realtime";
/** A presence row outlives its last renewal by this much (an instance that died stops being asked). */
const PRESENCE_TTL_S = 90;
/** Rows older than this are swept; a listener replays at most REPLAY_WINDOW_S back after reconnecting. */
const MESSAGE_TTL_S = 600;
const REPLAY_WINDOW_S = 120;

type Topic = { topic: string };

/**
 * One statement: the sealed message is written and its id, tenant and user NOTIFYed only when another
 * instance has a stream for that user (else nothing is written at all).
 */
export async function sendToOtherInstances(
  db: Db,
  { topic, key, instanceId, sealed }: Topic & { key: ChannelKey; instanceId: string; sealed: Sealed },
) {
  await db.execute(sql`
    with m as (
      insert into realtime_messages (topic, tenant_id, amo_user_id, origin, ciphertext, key_id)
      select ${topic}, ${key.tenantId}::uuid, ${key.amoUserId}::bigint, ${instanceId}, ${sealed.ciphertext},
        ${sealed.keyId}
      where exists (
        select 1 from realtime_presence p
        where p.topic = ${topic} and p.tenant_id = ${key.tenantId}::uuid
          and p.amo_user_id = ${key.amoUserId}::bigint and p.instance_id <> ${instanceId}
          and p.expires_at > now())
      returning id)
    select pg_notify(${REALTIME_CHANNEL}, json_build_object('id', m.id, 't', ${key.tenantId}::text,
      'u', ${key.amoUserId}::bigint, 'o', ${instanceId}::text, 'p', ${topic}::text)::text) from m`);
}

/** The message with this id, only if it belongs to exactly this tenant and user. */
export async function messageFor(
  db: Db,
  { id, topic, key }: Topic & { id: number; key: ChannelKey },
): Promise<Sealed | null> {
  const [row] = rowsOf<{ ciphertext: string; key_id: string }>(
    await db.execute(sql`
      select ciphertext, key_id from realtime_messages
      where id = ${id} and topic = ${topic} and tenant_id = ${key.tenantId}::uuid
        and amo_user_id = ${key.amoUserId}::bigint`),
  );
  return row ? { ciphertext: row.ciphertext, keyId: row.key_id } : null;
}

/** Other instances' recent messages after `afterId`, in order (a reconnected listener's replay). */
export async function messagesAfter(
  db: Db,
  { topic, afterId, instanceId }: Topic & { afterId: number; instanceId: string },
): Promise<{ id: number; key: ChannelKey }[]> {
  const rows = rowsOf<{ id: string; tenant_id: string; amo_user_id: string }>(
    await db.execute(sql`
      select id, tenant_id, amo_user_id from realtime_messages
      where topic = ${topic} and id > ${afterId} and origin <> ${instanceId}
        and created_at > now() - make_interval(secs => ${REPLAY_WINDOW_S})
      order by id`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    key: { tenantId: r.tenant_id, amoUserId: Number(r.amo_user_id) },
  }));
}

export async function upsertPresence(
  db: Db,
  { instanceId, topic, keys }: Topic & { instanceId: string; keys: ChannelKey[] },
) {
  if (keys.length === 0) return;
  const values = sql.join(
    keys.map(
      (k) =>
        sql`(${instanceId}, ${topic}, ${k.tenantId}::uuid, ${k.amoUserId}::bigint, now() + make_interval(secs => ${PRESENCE_TTL_S}))`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    insert into realtime_presence (instance_id, topic, tenant_id, amo_user_id, expires_at)
    values ${values}
    on conflict (topic, tenant_id, amo_user_id, instance_id) do update set expires_at = excluded.expires_at`);
}

/** This instance's presence for one user, or for every user of the topic. */
export async function dropPresence(
  db: Db,
  { instanceId, topic, key }: Topic & { instanceId: string; key?: ChannelKey },
) {
  await db.execute(sql`
    delete from realtime_presence where instance_id = ${instanceId} and topic = ${topic}
    ${key ? sql`and tenant_id = ${key.tenantId}::uuid and amo_user_id = ${key.amoUserId}::bigint` : sql``}`);
}

/** Whether any instance has a live stream for this user. */
export async function anyPresence(db: Db, { topic, key }: Topic & { key: ChannelKey }): Promise<boolean> {
  const rows = rowsOf<{ one: number }>(
    await db.execute(sql`
      select 1 as one from realtime_presence
      where topic = ${topic} and tenant_id = ${key.tenantId}::uuid
        and amo_user_id = ${key.amoUserId}::bigint and expires_at > now()
      limit 1`),
  );
  return rows.length > 0;
}

/** Old messages and the presence of instances long gone. */
export async function sweep(db: Db) {
  await db.execute(
    sql`delete from realtime_messages where created_at < now() - make_interval(secs => ${MESSAGE_TTL_S})`,
  );
  await db.execute(
    sql`delete from realtime_presence where expires_at < now() - make_interval(secs => ${MESSAGE_TTL_S})`,
  );
}
