// A small pub/sub for things pushed to one amoCRM user's browser tabs (the call card). Channels are keyed by
// tenant + amoCRM user: a message published for one user never reaches another user or another tenant,
// whatever the message says.
//
// `createHub` fans out inside one process. With several app instances the webhook that produces a card and
// the SSE stream of the user who should see it may land on different instances: `createPgHub`
// (pg-hub.ts) wraps this hub and carries `publish` to the other instances through PostgreSQL
// LISTEN/NOTIFY. `processHub` (process-hub.ts) picks one: PostgreSQL when DATABASE_URL is set, this
// in-process hub on embedded PGlite (one process by construction).

export type ChannelKey = { tenantId: string; amoUserId: number };
export type Listener<T> = (message: T) => void;

export type Hub<T> = {
  subscribe(key: ChannelKey, listener: Listener<T>): () => void;
  /**
   * Delivers to the channel's listeners in this process at once and answers how many got it; a fan-out hub
   * also hands it to the other instances (asynchronously).
   */
  publish(key: ChannelKey, message: T): number;
  /** Listeners of the channel in this process. */
  subscribers(key: ChannelKey): number;
  /** Whether anyone listens on the channel, in this process or (fan-out) on another instance. */
  watched(key: ChannelKey): Promise<boolean>;
  /** Resolves once what was subscribed and published so far has reached the database (fan-out only). */
  ready(): Promise<void>;
  close(): Promise<void>;
};

const channelOf = (k: ChannelKey) => `${k.tenantId}\u0000${k.amoUserId}`;

export function createHub<T>(): Hub<T> {
  const channels = new Map<string, Set<Listener<T>>>();
  const subscribers = (key: ChannelKey) => channels.get(channelOf(key))?.size ?? 0;
  return {
    subscribe(key, listener) {
      const name = channelOf(key);
      let set = channels.get(name);
      if (!set) {
        set = new Set();
        channels.set(name, set);
      }
      // A fresh wrapper per subscription: one tab subscribing twice with the same function still gets two.
      const entry: Listener<T> = (m) => listener(m);
      set.add(entry);
      return () => {
        set.delete(entry);
        if (set.size === 0 && channels.get(name) === set) channels.delete(name);
      };
    },
    publish(key, message) {
      const set = channels.get(channelOf(key));
      if (!set) return 0;
      let delivered = 0;
      for (const listener of [...set]) {
        try {
          listener(message);
          delivered++;
        } catch {
          // A broken stream must not keep the other tabs from getting the message.
        }
      }
      return delivered;
    },
    subscribers,
    watched: async (key) => subscribers(key) > 0,
    ready: async () => {},
    close: async () => {
      channels.clear();
    },
  };
}
