// The hub across instances: PostgreSQL LISTEN/NOTIFY. Every instance with open streams LISTENs on one
// connection of its own (outside the pool, reconnected when it drops); `publish` delivers to this
// instance's streams at once and, when another instance has a stream for that user (realtime_presence),
// writes the message sealed to realtime_messages and NOTIFYs its id, tenant and user in the same
// statement. The notification carries no phone and stays far below NOTIFY's 8 kB: the receiving instance
// reads the row for the tenant and user it names (the seal is bound to them too) and delivers it to its
// streams of that user. A listener that reconnected replays the rows it missed meanwhile.
import { randomUUID } from "node:crypto";
import type { Client } from "pg";
import { z } from "zod";
import type { Db } from "@/db/client";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";
import { logger } from "@/server/log/logger";
import { type ChannelKey, createHub, type Hub } from "./hub";
import * as q from "./pg-queries";

const { REALTIME_CHANNEL } = q;

export { REALTIME_CHANNEL } from "./pg-queries";

/** Presence is renewed this often (it lasts 90 s: pg-queries.ts). */
const RENEW_MS = 30_000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;
const SWEEP_EVERY_MS = 60_000;

export type PgHubOptions = {
  /** The instance's pool (or how to get it): messages and presence. */
  db: Db | (() => Promise<Db>);
  /** The listener opens its own connection with this (LISTEN cannot share a pooled one). */
  connectionString: string;
  topic: string;
  instanceId?: string;
  keyring?: () => Keyring;
};

export type PgHub<T> = Hub<T> & {
  readonly instanceId: string;
  /** The listener's backend pid while it is connected (tests terminate it). */
  listenerPid(): number | null;
};

const notification = z.object({
  id: z.number().int(),
  t: z.uuid(),
  u: z.number().int(),
  o: z.string(),
  p: z.string(),
});

const sealContext = (topic: string, k: ChannelKey) => `realtime:${topic}:${k.tenantId}:${k.amoUserId}`;

export function createPgHub<T>(opts: PgHubOptions): PgHub<T> {
  const local = createHub<T>();
  const { topic } = opts;
  const instanceId = opts.instanceId ?? randomUUID();
  const keyring = opts.keyring ?? appKeyring;
  const getDb = typeof opts.db === "function" ? opts.db : async () => opts.db as Db;
  const log = logger.child({ realtime: topic, instance: instanceId });
  /** Channels with a stream in this instance. */
  const watchedHere = new Map<string, ChannelKey>();
  const keyOf = (k: ChannelKey) => `${k.tenantId}:${k.amoUserId}`;

  let closed = false;
  let client: Client | null = null;
  let connecting: Promise<void> | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let renewTimer: NodeJS.Timeout | null = null;
  let retryMs = RECONNECT_MIN_MS;
  let everConnected = false;
  /** The highest message id seen: a reconnected listener replays what came after it. */
  let lastId = 0;
  const delivered = new Set<number>();
  let lastSweep = Number.NEGATIVE_INFINITY; // performance.now(): an interval, immune to clock steps
  // Two queues, each in order: database writes (presence, publishes: a user's cards must not overtake each
  // other) and deliveries of received messages.
  let writes: Promise<void> = Promise.resolve();
  let deliveries: Promise<void> = Promise.resolve();
  const enqueueWrite = (what: string, job: () => Promise<void>) => {
    writes = writes.then(job).catch((err) => log.warn({ err: String(err) }, `realtime: ${what} failed`));
    return writes;
  };
  const enqueueDelivery = (job: () => Promise<void>) => {
    deliveries = deliveries
      .then(job)
      .catch((err) => log.warn({ err: String(err) }, "realtime: delivery failed"));
  };

  function scheduleReconnect() {
    if (closed || reconnectTimer || watchedHere.size === 0) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void listen();
    }, retryMs);
    reconnectTimer.unref?.();
    retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
  }

  function dropped(c: Client) {
    if (client !== c) return;
    client = null;
    connecting = null;
    c.end().catch(() => {});
    log.warn("realtime: listener connection lost; reconnecting");
    scheduleReconnect();
  }

  async function connect(): Promise<void> {
    // Loaded here, as db/client.ts does: an embedded (PGlite) process never loads the driver.
    const { default: pg } = await import("pg");
    const c = new pg.Client({ connectionString: opts.connectionString, application_name: "amango-realtime" });
    c.on("error", () => dropped(c));
    c.on("end", () => dropped(c));
    c.on("notification", (n) => {
      if (n.channel === REALTIME_CHANNEL && n.payload) onNotification(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${REALTIME_CHANNEL}`);
    } catch (err) {
      c.end().catch(() => {});
      throw err;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    retryMs = RECONNECT_MIN_MS;
    if (everConnected) enqueueDelivery(replay);
    else {
      everConnected = true;
      const [row] = (
        await c.query<{ max: string | null }>(
          "select max(id) as max from realtime_messages where topic = $1",
          [topic],
        )
      ).rows;
      lastId = Math.max(lastId, Number(row?.max ?? 0));
    }
  }

  /** Connects the listener unless it is (being) connected; never rejects (a failure retries later). */
  function listen(): Promise<void> {
    if (closed) return Promise.resolve();
    connecting ??= connect().catch((err) => {
      connecting = null;
      log.warn({ err: String(err) }, "realtime: listener could not connect; retrying");
      scheduleReconnect();
    });
    return connecting;
  }

  function onNotification(payload: string) {
    let n: z.infer<typeof notification>;
    try {
      n = notification.parse(JSON.parse(payload));
    } catch {
      return;
    }
    if (n.p !== topic || n.o === instanceId) return;
    lastId = Math.max(lastId, n.id);
    const key = { tenantId: n.t, amoUserId: n.u };
    if (local.subscribers(key) === 0) return;
    enqueueDelivery(() => deliverRow(n.id, key));
  }

  /** Reads the message for exactly the tenant and user the notification named, and hands it to their tabs. */
  async function deliverRow(id: number, key: ChannelKey) {
    if (delivered.has(id)) return;
    const row = await q.messageFor(await getDb(), { id, topic, key });
    if (!row) return;
    remember(id);
    const text = open(keyring(), row, sealContext(topic, key));
    local.publish(key, JSON.parse(text) as T);
  }

  function remember(id: number) {
    delivered.add(id);
    if (delivered.size > 2000) for (const old of [...delivered].slice(0, 1000)) delivered.delete(old);
  }

  /** After a reconnection: the messages for our streams published while we were not listening. */
  async function replay() {
    if (watchedHere.size === 0) return;
    const missed = await q.messagesAfter(await getDb(), { topic, afterId: lastId, instanceId });
    for (const { id, key } of missed) {
      lastId = Math.max(lastId, id);
      if (watchedHere.has(keyOf(key))) await deliverRow(id, key);
    }
  }

  async function renew() {
    await q.upsertPresence(await getDb(), { instanceId, topic, keys: [...watchedHere.values()] });
    await sweep();
  }

  /** Old messages and presence of instances long gone; any instance may do it, at most once a minute. */
  async function sweep() {
    if (performance.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = performance.now();
    await q.sweep(await getDb());
  }

  async function sendToOthers(key: ChannelKey, message: T) {
    const sealed = seal(keyring(), JSON.stringify(message), sealContext(topic, key));
    await q.sendToOtherInstances(await getDb(), { topic, key, instanceId, sealed });
    await sweep();
  }

  return {
    instanceId,
    listenerPid: () => (client as unknown as { processID?: number } | null)?.processID ?? null,
    subscribe(key, listener) {
      const off = local.subscribe(key, listener);
      if (!watchedHere.has(keyOf(key))) {
        watchedHere.set(keyOf(key), key);
        // Listening first, then announcing: a message sent once others see us is never missed.
        void enqueueWrite("presence", async () => {
          await listen();
          await q.upsertPresence(await getDb(), { instanceId, topic, keys: [key] });
        });
        if (!renewTimer) {
          renewTimer = setInterval(() => void enqueueWrite("presence renewal", renew), RENEW_MS);
          renewTimer.unref?.();
        }
      }
      return () => {
        off();
        if (local.subscribers(key) > 0 || !watchedHere.has(keyOf(key))) return;
        watchedHere.delete(keyOf(key));
        void enqueueWrite("presence", async () => {
          if (watchedHere.has(keyOf(key))) return; // subscribed again meanwhile
          await q.dropPresence(await getDb(), { instanceId, topic, key });
        });
      };
    },
    publish(key, message) {
      const here = local.publish(key, message);
      void enqueueWrite("publish", () => sendToOthers(key, message));
      return here;
    },
    subscribers: local.subscribers,
    async watched(key) {
      if (local.subscribers(key) > 0) return true;
      try {
        return await q.anyPresence(await getDb(), { topic, key });
      } catch (err) {
        log.warn({ err: String(err) }, "realtime: presence unknown");
        return true; // better a lookup nobody sees than a card nobody gets
      }
    },
    async ready() {
      await writes;
      await connecting;
      await deliveries;
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (renewTimer) clearInterval(renewTimer);
      await writes;
      await deliveries;
      const c = client;
      client = null;
      await c?.end().catch(() => {});
      if (watchedHere.size > 0) {
        await q.dropPresence(await getDb(), { instanceId, topic }).catch(() => {});
      }
      await local.close();
    },
  };
}
