// Server-Sent Events over a web Response: what EventSource in the widget reads. Kept generic so any
// per-user push (the call card today) can use it.

export type SseOptions = {
  /** Comment lines keep proxies and load balancers from closing an idle connection. */
  heartbeatMs?: number;
  /**
   * The stream ends after this long. EventSource then reconnects with the same (by then expired) ticket,
   * gets 401 and the widget asks for a new one, so access is re-checked (token, user mapping) regularly.
   */
  maxLifetimeMs?: number;
  /** Client reconnection delay sent as `retry:`. */
  retryMs?: number;
  headers?: Record<string, string>;
  /** Ends the stream when the request is aborted (the tab closed). */
  signal?: AbortSignal;
};

export type SseSink = {
  send(event: string, data: unknown): void;
  closed(): boolean;
};

export function sseFrame(event: string, data: unknown): string {
  const lines = JSON.stringify(data).split("\n");
  return `event: ${event}\n${lines.map((l) => `data: ${l}`).join("\n")}\n\n`;
}

/**
 * Opens an event stream; `start` subscribes and returns its cleanup, called once whichever way the stream
 * ends (client gone, lifetime over, server error).
 */
export function sseResponse(start: (sink: SseSink) => () => void, opts: SseOptions = {}): Response {
  const encoder = new TextEncoder();
  let finish: () => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let done = false;
      const write = (text: string) => {
        if (done) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          finish();
        }
      };
      const sink: SseSink = { send: (e, d) => write(sseFrame(e, d)), closed: () => done };
      write(`retry: ${opts.retryMs ?? 3000}\n\n`);
      const heartbeat = setInterval(() => write(": ping\n\n"), opts.heartbeatMs ?? 20_000);
      const lifetime = setTimeout(() => finish(), opts.maxLifetimeMs ?? 15 * 60_000);
      let cleanup: () => void = () => {};
      finish = () => {
        if (done) return;
        done = true;
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the runtime
        }
      };
      opts.signal?.addEventListener("abort", () => finish(), { once: true });
      cleanup = start(sink);
      if (opts.signal?.aborted) finish();
    },
    cancel() {
      finish();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // nginx and similar proxies buffer responses unless told not to; a buffered card arrives too late.
      "x-accel-buffering": "no",
      ...opts.headers,
    },
  });
}
