import { describe, expect, it } from "vitest";
import { emulatorAndReceiverPerFile } from "./test-lifecycle";
import { advance, control, mangoPost, OTHER, type Receiver } from "./test-support";

/**
 * КЦ call topics and operator comments (SPEC §4.7) as the app polls them: /vpbx/cc/call/ by entry_id until
 * tag_id[] / call_comment[] appear, /vpbx/cc/tags/ for the names. Over real HTTP with signed requests; the
 * emulator clock is moved through /__control/clock.
 */

let url: string;
let rx: Receiver;
emulatorAndReceiverPerFile((e) => {
  ({ url, rx } = e);
});

interface CcCall {
  result: number;
  call: {
    conversion: Array<{ params: number; group_id: number; result: number; assign_user_id: number }>;
    tag_id: number[];
    call_comment: string[];
  };
}

async function ccCall(entryId: string): Promise<CcCall> {
  const r = await mangoPost(url, "cc/call/", { entry_id: entryId });
  expect(r.status).toBe(200);
  return r.body as CcCall;
}

interface Tag {
  id: number;
  parent: number | null;
  name: string;
  is_folder: number;
  category: number;
}

async function ccTags(): Promise<Tag[]> {
  const r = await mangoPost(url, "cc/tags/", {});
  expect(r.status).toBe(200);
  return (r.body as { tags: Tag[] }).tags;
}

describe("campaign call whose topics never appear", () => {
  it("commentDelaySeconds: null keeps tag_id and call_comment empty however long the app polls", async () => {
    const { entry_id } = await control(url, "scenarios", {
      type: "campaign",
      campaignId: 77002,
      operator: "102",
      topics: [10070002],
      comment: "не сохранится",
      commentDelaySeconds: null,
    });
    await advance(url, 60_000);
    for (const wait of [0, 31_000, 3_600_000]) {
      await control(url, "clock", { advance: wait });
      const r = await ccCall(String(entry_id));
      expect(r.result).toBe(1000);
      expect(r.call.tag_id).toEqual([]);
      expect(r.call.call_comment).toEqual([]);
    }
    // The control endpoint still lets a test have the operator save them late.
    await control(url, `cc/calls/${encodeURIComponent(String(entry_id))}`, { tag_ids: [10070003] });
    expect((await ccCall(String(entry_id))).call.tag_id).toEqual([10070003]);
  });

  it("commentDelaySeconds: 0 makes them readable as soon as the call ends", async () => {
    const { entry_id } = await control(url, "scenarios", {
      type: "campaign",
      campaignId: 77002,
      topics: [10070002],
      comment: "сразу",
      commentDelaySeconds: 0,
      instant: true,
    });
    const r = await ccCall(String(entry_id));
    expect(r.call.tag_id).toEqual([10070002]);
    expect(r.call.call_comment).toEqual(["сразу"]);
    expect(r.call.conversion[0]?.params).toBe(6);
  });
});

describe("incoming КЦ call with topics", () => {
  it("an answered group call records topics and a comment (params 1, the group's id) after the delay", async () => {
    const { entry_id } = await control(url, "scenarios", {
      type: "incoming",
      from: "+79990001122",
      group: "201",
      answeredBy: "102",
      talkSeconds: 20,
      topics: [10070002, 10070004],
      comment: "Хочет тариф «Бизнес»",
      commentDelaySeconds: 45,
    });
    await advance(url, 60_000);
    expect(rx.of("events/summary")[0]).toMatchObject({ entry_id, entry_result: 1 });
    const early = await ccCall(String(entry_id));
    expect(early.result).toBe(1000);
    expect(early.call.tag_id).toEqual([]);
    expect(early.call.call_comment).toEqual([]);
    expect(early.call.conversion[0]).toMatchObject({ params: 1, group_id: 10060001, result: 1 });
    await control(url, "clock", { advance: 45_000 });
    const late = await ccCall(String(entry_id));
    expect(late.call.tag_id).toEqual([10070002, 10070004]);
    // The real service answers the comment as an array of strings.
    expect(late.call.call_comment).toEqual(["Хочет тариф «Бизнес»"]);
  });

  it("without topics/comment an incoming call has no КЦ record (3300), nor has a missed one", async () => {
    const plain = await control(url, "scenarios", {
      type: "incoming",
      from: "+79990001122",
      ring: ["101"],
      answeredBy: "101",
      instant: true,
    });
    expect((await mangoPost(url, "cc/call/", { entry_id: plain.entry_id })).body).toEqual({ result: 3300 });
    await control(url, "clock", { advance: 120_000 }); // past the bad-request lock-out window
    const missed = await control(url, "scenarios", {
      type: "incoming",
      from: "+79990001123",
      ring: ["101"],
      topics: [10070002],
      instant: true,
    });
    expect((await mangoPost(url, "cc/call/", { entry_id: missed.entry_id })).body).toEqual({
      result: 3300,
    });
  });
});

describe("topic tree at runtime", () => {
  it("upserts by id (new topic, renamed topic), replaces the tree, and deletes a topic", async () => {
    const seeded = await ccTags();
    expect(seeded.some((t) => t.id === 10070002)).toBe(true);
    await control(url, "pbx/demo/tags", {
      tags: [
        { id: 10079001, parent: 10070001, name: "Перезвонить позже", is_folder: false, category: 4 },
        { id: 10070002, parent: 10070001, name: "Очень интересно", is_folder: 0 },
      ],
    });
    let tags = await ccTags();
    expect(tags).toHaveLength(seeded.length + 1);
    expect(tags.find((t) => t.id === 10079001)).toMatchObject({
      parent: 10070001,
      name: "Перезвонить позже",
      is_folder: 0,
      category: 4,
    });
    expect(tags.find((t) => t.id === 10070002)?.name).toBe("Очень интересно");

    // A call names the new topic: the app finds an id it has not cached and re-reads the tree.
    const { entry_id } = await control(url, "scenarios", {
      type: "campaign",
      campaignId: 77002,
      topics: [10079001],
      commentDelaySeconds: 0,
      instant: true,
    });
    expect((await ccCall(String(entry_id))).call.tag_id).toEqual([10079001]);

    const del = await fetch(`${url}/__control/pbx/demo/tags/10079001`, { method: "DELETE" });
    expect(del.status).toBe(200);
    tags = await ccTags();
    expect(tags.some((t) => t.id === 10079001)).toBe(false);
    expect((await fetch(`${url}/__control/pbx/demo/tags/10079001`, { method: "DELETE" })).status).toBe(404);

    await control(url, "pbx/demo/tags", {
      replace: true,
      tags: [{ id: 1, name: "Единственная", is_folder: true }],
    });
    expect(await ccTags()).toEqual([
      { id: 1, parent: null, name: "Единственная", category: -1, groups: [0], campaigns: [0], is_folder: 1 },
    ]);
    expect((await fetch(`${url}/__control/pbx/nope/tags`)).status).toBe(404);
  });
});

describe("КЦ limits on /vpbx/cc/*", () => {
  it('cc/call and cc/tags share the КЦ 10 req/s per key, then {"result":5008}', async () => {
    const results: unknown[] = [];
    for (let i = 0; i < 6; i++) results.push((await mangoPost(url, "cc/tags/", {})).body);
    for (let i = 0; i < 4; i++) results.push((await mangoPost(url, "campaign/list", {})).body);
    const over = await mangoPost(url, "cc/call/", { entry_id: "x" });
    expect(results.every((r) => (r as { result: number }).result === 1000)).toBe(true);
    expect(over.status).toBe(503);
    expect(over.body).toEqual({ result: 5008 });
    // They are /vpbx/ requests too: the account's VPBX limit (10 req/s) is used up as well.
    expect((await mangoPost(url, "incominglines", {})).status).toBe(429);
    await control(url, "clock", { advance: 1000 });
    expect(((await mangoPost(url, "cc/tags/", {})).body as { result: number }).result).toBe(1000);
  });

  it("an account without the КЦ Открытое API answers 5008 to cc/call and cc/tags", async () => {
    expect((await mangoPost(url, "cc/tags/", {}, OTHER)).body).toEqual({ result: 5008 });
    expect((await mangoPost(url, "cc/call/", { entry_id: "x" }, OTHER)).body).toEqual({ result: 5008 });
  });
});
