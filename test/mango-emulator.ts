import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DEMO_VPBX_API_KEY, DEMO_VPBX_API_SALT } from "@/emulators/mango/seed";
import { startMangoEmulator } from "@/emulators/mango/server";
import { createMangoClient, type MangoClientOptions } from "@/server/mango/api";
import { eventKindFromPath, type MangoEventKind } from "@/server/mango/event-types";
import { eventIdentity, parseMangoEvent } from "@/server/mango/events";
import { decodeSignedForm, verifyEventSignature } from "@/server/mango/sign";

/**
 * Integration harness: the MANGO emulator on a free port, and a webhook receiver that takes MANGO's events
 * the way our intake will — raw body → our signature check → our kind routing → our zod schemas. A test
 * fails on any event the receiver could not verify or parse.
 */

export type ReceivedEvent = {
  kind: MangoEventKind;
  identity: string;
  event: Record<string, unknown>;
};

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness() {
  const received: ReceivedEvent[] = [];
  const refused: string[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
    });
    req.on("end", () => {
      const form = decodeSignedForm(raw);
      const kind = eventKindFromPath(req.url ?? "");
      if (!form || !verifyEventSignature(DEMO_VPBX_API_KEY, DEMO_VPBX_API_SALT, form)) {
        refused.push(`${req.url}: signature`);
        res.writeHead(401).end();
        return;
      }
      if (!kind) {
        refused.push(`${req.url}: unknown kind`);
        res.writeHead(404).end();
        return;
      }
      try {
        const event = parseMangoEvent(kind, form.json);
        received.push({
          kind,
          identity: eventIdentity(kind, event),
          event: event as Record<string, unknown>,
        });
        res.writeHead(200).end();
      } catch (err) {
        refused.push(`${req.url}: ${err instanceof Error ? err.message : String(err)}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/mango/test-key`;
  const emulator = await startMangoEmulator({ port: 0, eventsBaseUrl: hookUrl });

  async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${emulator.url}/__control/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`control ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** Moves the emulator's virtual time and waits until every webhook it caused has been delivered. */
  async function advance(ms: number): Promise<void> {
    await control("clock", { advance: ms });
    await control("deliveries?wait=1");
  }

  function client(over: Partial<MangoClientOptions> = {}) {
    return createMangoClient({
      baseUrl: `${emulator.url}/vpbx`,
      apiKey: DEMO_VPBX_API_KEY,
      salt: DEMO_VPBX_API_SALT,
      // Back-off waits move the emulator's clock instead of the test's: rate limits lift without sleeping.
      sleep: (ms) => advance(ms),
      ...over,
    });
  }

  return {
    url: emulator.url,
    received,
    refused,
    control,
    advance,
    client,
    of: (kind: MangoEventKind) => received.filter((r) => r.kind === kind).map((r) => r.event),
    /** Fresh seed, frozen clock, nothing received: each test starts from the same world. */
    async reset() {
      await control("reset", {});
      await control("clock", { freeze: true });
      received.length = 0;
      refused.length = 0;
    },
    async close() {
      await emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
