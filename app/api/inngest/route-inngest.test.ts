// The Inngest endpoint with Inngest as the job driver: a body Inngest's handler cannot parse is answered 400
// (it threw, which Next.js answers 500), an unsigned request 401 as Inngest decides.
import { describe, expect, it } from "vitest";

process.env.INNGEST_EVENT_KEY = "test-event-key";
process.env.INNGEST_SIGNING_KEY = "signkey-test-0123456789abcdef0123456789abcdef";

const ctx = { params: Promise.resolve({}) };
const url = "http://127.0.0.1:3000/api/inngest";

describe("/api/inngest with the Inngest job driver", () => {
  it("answers a garbage body 400 and an unsigned call 401, never 5xx", async () => {
    const { GET, POST } = await import("./route");
    const post = (body: string) =>
      POST(
        new Request(`${url}?fnId=x&stepId=step`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        }),
        ctx,
      );
    const garbage = await post("\u0000{garbage");
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: "malformed body" });
    expect((await post('{"event":{}}')).status).toBe(401);
    expect((await GET(new Request(url), ctx)).status).toBe(401);
    // Importing the route (Inngest's SDK and every job definition) takes seconds on a loaded machine.
  }, 60_000);
});
