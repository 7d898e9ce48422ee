// A small per-process pub/sub for things pushed to one amoCRM user's browser tabs (the call card).
// Channels are keyed by tenant + amoCRM user: a message published for one user never reaches another user
// or another tenant, whatever the message says.
//
// Production caveat: with several app instances behind a load balancer, the webhook that produces a card
// and the SSE stream of the user who should see it may land on different instances. This hub only fans out
// inside its own process. PostgreSQL LISTEN/NOTIFY (a channel per tenant, the card as payload; PGlite
// supports it too) would carry `publish` across instances; it is not wired yet because it needs a dedicated
// connection per instance outside the pool and payloads under 8 kB. Until then run one instance, or pin
// MANGO's webhook and the widget's stream to the same instance (sticky routing by tenant).

export type ChannelKey = { tenantId: string; amoUserId: number };
export type Listener<T> = (message: T) => void;

export type Hub<T> = {
  subscribe(key: ChannelKey, listener: Listener<T>): () => void;
  /** Delivers to the channel's listeners in this process; answers how many got it. */
  publish(key: ChannelKey, message: T): number;
  subscribers(key: ChannelKey): number;
};

const channelOf = (k: ChannelKey) => `${k.tenantId}\u0000${k.amoUserId}`;

export function createHub<T>(): Hub<T> {
  const channels = new Map<string, Set<Listener<T>>>();
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
    subscribers(key) {
      return channels.get(channelOf(key))?.size ?? 0;
    },
  };
}

/**
 * One hub per process and name, kept on globalThis: Next.js may bundle the webhook route and the stream
 * route into separate chunks, each with its own copy of this module, and they must share the channels.
 */
export function processHub<T>(name: string): Hub<T> {
  const slot = Symbol.for(`amango.realtime.${name}`);
  const g = globalThis as unknown as Record<symbol, Hub<T> | undefined>;
  g[slot] ??= createHub<T>();
  return g[slot];
}
