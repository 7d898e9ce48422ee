// The Inngest endpoint is public: with the local job driver nothing calls it, and it answers 404 to any
// request instead of Inngest's 500 ("no signing key") or a throw on a garbage body (issue 16: no path
// answers 5xx for input). With Inngest as the driver: route-inngest.test.ts.
import { describe, expect, it } from "vitest";
import { GET, POST, PUT } from "./route";

const ctx = { params: Promise.resolve({}) };
const url = "http://127.0.0.1:3000/api/inngest";

describe("/api/inngest with the local job driver", () => {
  it("answers 404 to every method, whatever the body", async () => {
    const garbage = {
      method: "POST",
      body: "\u0000{garbage\ud800",
      headers: { "content-type": "application/json" },
    };
    const answers = [
      await GET(new Request(url), ctx),
      await POST(new Request(`${url}?fnId=x&stepId=step`, garbage), ctx),
      await POST(new Request(url, { method: "POST", body: "{}" }), ctx),
      await PUT(new Request(url, { ...garbage, method: "PUT" }), ctx),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404]);
  });
});
