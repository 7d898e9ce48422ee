import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsMessages } from "@/db/schema";
import { type LogWorld, startLogWorld } from "@/server/calls/log-world.test-support";
import { writePendingSmsNotes } from "./notes";

/**
 * Batched SMS notes against the amoCRM emulator: the rows marked due are written as one contacts request and
 * one leads request, each note once; a row naming a contact amoCRM does not have costs only its own note.
 */
let w: LogWorld;
beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(() => w.close());

const row = (i: number, contactId: number, leadId: number) => ({
  tenantId: w.tenant.id,
  leadId,
  contactId,
  recipientRole: "client",
  phone: `+7916000000${i}`,
  text: `Пакетное SMS ${i}`,
  fromExtension: "101",
  idempotencyKey: `notes-test-${i}`,
  commandId: `notes-test-${i}`,
  status: "sent" as const,
  sentAt: new Date(),
  notesDueAt: new Date(Date.now() - 1000 + i),
});

describe("writePendingSmsNotes", () => {
  it("writes the due rows in one request per entity, recording each note id; a refused contact is dropped", async () => {
    await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });
    // Contacts 3 and 11070881 and leads 167353 / 9785993 are seeded; contact 999999 does not exist.
    await w.t.db
      .insert(smsMessages)
      .values([row(1, 3, 167353), row(2, 11070881, 9785993), row(3, 999_999, 167353)]);
    const outcome = await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id });
    expect(outcome).toMatchObject({ status: "done", result: { noted: 3, batches: 1 } });

    const rows = await w.t.db.select().from(smsMessages).where(eq(smsMessages.tenantId, w.tenant.id));
    const byText = Object.fromEntries(rows.map((r) => [r.text, r]));
    for (const r of rows) expect(r.notedAt).not.toBeNull();
    expect(byText["Пакетное SMS 1"]!.contactNoteId).not.toBeNull();
    expect(byText["Пакетное SMS 2"]!.contactNoteId).not.toBeNull();
    expect(byText["Пакетное SMS 3"]!.contactNoteId).toBeNull();
    for (const r of rows) expect(r.leadNoteId).not.toBeNull();

    const state = await w.amoState();
    const ours = state.notes.filter((n) => String(n.params.text).startsWith("Пакетное SMS"));
    expect(
      ours
        .filter((n) => n.entity_type === "contacts")
        .map((n) => n.entity_id)
        .sort((a, b) => a - b),
    ).toEqual([3, 11070881]);
    expect(ours.filter((n) => n.entity_type === "leads")).toHaveLength(3);
    expect(ours.find((n) => n.id === byText["Пакетное SMS 1"]!.contactNoteId)?.entity_id).toBe(3);

    const res = await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api`);
    const posts = ((await res.json()) as { method: string; path: string; status: number }[]).filter(
      (r) => r.method === "POST",
    );
    // contacts: refused once (validation), then the two others; leads: one request for all three.
    expect(posts.map((r) => `${r.path.replace(/^.*\/api\/v4\//, "")} ${r.status}`)).toEqual([
      "contacts/notes 400",
      "contacts/notes 200",
      "leads/notes 200",
    ]);
  });

  it("finds nothing left to write the second time", async () => {
    expect(await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id })).toMatchObject({
      status: "skipped",
    });
  });
});
