import { and, eq, inArray, isNotNull, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsMessages } from "@/db/schema";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { CLAIM_MS, NOTES_PER_BATCH, writePendingSmsNotes } from "./notes";

/**
 * Batched SMS notes against the amoCRM emulator: the rows marked due are written as one contacts request and
 * one leads request, each note once; a row naming a contact amoCRM does not have costs only its own note,
 * and no refusal — named or not, however many — keeps a batch from being settled or later SMS from going.
 */
let w: LogWorld;
beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(() => w.close());

const row = (i: number, contactId: number, leadId: number, prefix = "Пакетное SMS") => ({
  tenantId: w.tenant.id,
  leadId,
  contactId,
  recipientRole: "client",
  phone: `+7916000000${i}`,
  text: `${prefix} ${i}`,
  fromExtension: "101",
  idempotencyKey: `${prefix}-${i}`,
  commandId: `${prefix}-${i}`,
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
    const rows = await w.t.db.select().from(smsMessages).where(eq(smsMessages.tenantId, w.tenant.id));
    const refusedId = rows.find((r) => r.contactId === 999_999)!.id;
    expect(outcome).toMatchObject({
      status: "done",
      result: { noted: 3, batches: 1, refusedCount: 1, refused: [{ smsId: refusedId, entity: "contacts" }] },
    });
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

const posts = async () => {
  const res = await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api`);
  return ((await res.json()) as { method: string; path: string; status: number }[])
    .filter((r) => r.method === "POST")
    .map((r) => `${r.path.replace(/^.*\/api\/v4\//, "")} ${r.status}`);
};
const rowsOf = (prefix: string) =>
  w.t.db
    .select()
    .from(smsMessages)
    .where(and(eq(smsMessages.tenantId, w.tenant.id), like(smsMessages.text, `${prefix} %`)));
const notesOf = async (prefix: string) =>
  (await w.amoState()).notes.filter((n) => String(n.params.text).startsWith(`${prefix} `));

describe("refusals that would once have stalled the tenant's notes", () => {
  it("a 400 naming no item: the batch is written one note at a time, each refused one settled", async () => {
    await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });
    const P = "Безымянный отказ";
    await w.t.db
      .insert(smsMessages)
      .values([
        row(1, 3, 167353, P),
        row(2, 999_999, 167353, P),
        row(3, 999_998, 167353, P),
        row(4, 11070881, 9785993, P),
      ]);
    await w.amoFaults({
      kind: "status",
      status: 400,
      count: 1,
      path_prefix: "/a/demo/api/v4/contacts/notes",
    });

    const outcome = await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id });
    const rows = await rowsOf(P);
    const bad = rows.filter((r) => [999_999, 999_998].includes(r.contactId!)).map((r) => r.id);
    expect(outcome).toMatchObject({ status: "done", result: { noted: 4, batches: 1, refusedCount: 2 } });
    const refused = (outcome as { result: { refused: { smsId: string; entity: string }[] } }).result.refused;
    expect(refused.map((r) => r.smsId).sort()).toEqual([...bad].sort());
    expect(refused.every((r) => r.entity === "contacts")).toBe(true);
    expect(await posts()).toEqual([
      "contacts/notes 400",
      "contacts/notes 200",
      "contacts/notes 400",
      "contacts/notes 400",
      "contacts/notes 200",
      "leads/notes 200",
    ]);
    for (const r of rows) {
      expect(r.notedAt).not.toBeNull();
      expect(r.leadNoteId).not.toBeNull();
      expect(r.contactNoteId === null).toBe(bad.includes(r.id));
    }
    const notes = await notesOf(P);
    expect(
      notes
        .filter((n) => n.entity_type === "contacts")
        .map((n) => n.entity_id)
        .sort((a, b) => a - b),
    ).toEqual([3, 11070881]);
    expect(notes.filter((n) => n.entity_type === "leads")).toHaveLength(4);
  });

  it("more refused items than the drop rounds: the rest goes one by one and the batch is settled", async () => {
    await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });
    const P = "Много отказов";
    const bad = [1, 2, 3, 4, 5].map((i) => row(i, 999_990 + i, 167353, P));
    await w.t.db.insert(smsMessages).values([...bad, row(6, 3, 167353, P)]);

    const outcome = await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id });
    expect(outcome).toMatchObject({ status: "done", result: { noted: 6, refusedCount: 5 } });
    // Three rounds drop the item amoCRM named (the emulator names the first), the fourth names nothing
    // more for us to drop, so the last three go one at a time.
    expect(await posts()).toEqual([
      ...Array(4).fill("contacts/notes 400"),
      "contacts/notes 400",
      "contacts/notes 400",
      "contacts/notes 200",
      "leads/notes 200",
    ]);
    const rows = await rowsOf(P);
    for (const r of rows) expect(r.notedAt).not.toBeNull();
    expect(rows.filter((r) => r.contactNoteId !== null).map((r) => r.contactId)).toEqual([3]);
    expect((await notesOf(P)).filter((n) => n.entity_type === "contacts")).toHaveLength(1);
    expect(await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id })).toMatchObject({
      status: "skipped",
    });
  });

  it("rows a failed run left claimed go after the SMS marked since, so they cannot hold those back", async () => {
    const P = "Просроченный захват";
    const lapsed = Array.from({ length: NOTES_PER_BATCH }, (_, i) => ({
      ...row(i, 3, 167353, P),
      notesDueAt: new Date(Date.now() - 600_000 + i),
      notesLockedUntil: new Date(Date.now() - 60_000),
    }));
    await w.t.db.insert(smsMessages).values([...lapsed, row(99, 3, 167353, `${P} свежий`)]);
    // The first request of the run fails (a 500 to a POST is not repeated): the run stops with its claim.
    await w.amoFaults({
      kind: "status",
      status: 500,
      count: 1,
      path_prefix: "/a/demo/api/v4/contacts/notes",
    });
    await expect(writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id })).rejects.toThrow(/500/);

    const rows = await w.t.db
      .select()
      .from(smsMessages)
      .where(and(eq(smsMessages.tenantId, w.tenant.id), like(smsMessages.text, `${P}%`)));
    // The batch tried is the fresh row and the longest-lapsed ones; its claim was given back at once (lapsed,
    // so it still goes after fresh SMS) for the run's retry, not held for the sweeper.
    const tried = rows.filter(
      (r) => r.notesLockedUntil && r.notesLockedUntil.getTime() > Date.now() - 30_000,
    );
    expect(tried).toHaveLength(NOTES_PER_BATCH);
    expect(tried.every((r) => r.notesLockedUntil!.getTime() <= Date.now())).toBe(true);
    expect(tried.map((r) => r.text)).toContain(`${P} свежий 99`);
    // The one lapsed row left out is the most recently due one; nothing was written.
    expect(rows.filter((r) => !tried.includes(r)).map((r) => r.text)).toEqual([
      `${P} ${NOTES_PER_BATCH - 1}`,
    ]);
    expect(await notesOf(P)).toHaveLength(0);
    // The run's retry, seconds later, writes every one of them once.
    expect(await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id })).toMatchObject({
      status: "done",
      result: { noted: NOTES_PER_BATCH + 1 },
    });
    expect(await notesOf(P)).toHaveLength((NOTES_PER_BATCH + 1) * 2);
    await w.t.db.delete(smsMessages).where(
      and(
        eq(smsMessages.tenantId, w.tenant.id),
        inArray(
          smsMessages.id,
          rows.map((r) => r.id),
        ),
        isNotNull(smsMessages.notesDueAt),
      ),
    );
  });
});

describe("a notes run killed mid-batch (issue 16, R1)", () => {
  it("its next attempt writes the SMS marked since and waits for the dead attempt's claim instead of ending, then writes those once", async () => {
    const P = "Убитый запуск";
    const FRESH = "Отмеченное позже";
    // What a SIGKILLed run leaves: its batch claimed for CLAIM_MS, nothing written. One SMS marked since.
    await w.t.db.insert(smsMessages).values([
      ...[0, 1].map((i) => ({
        ...row(i, 3, 167353, P),
        notesLockedUntil: new Date(Date.now() + CLAIM_MS),
      })),
      row(2, 3, 167353, FRESH),
    ]);
    // The retried run writes the fresh one but does not end as done or "nothing to do" (which left the others
    // to the 5-minute sweep): the attempt fails, to be retried.
    await expect(writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id })).rejects.toThrow(/claim/);
    expect(await notesOf(FRESH)).toHaveLength(2);
    expect(await notesOf(P)).toHaveLength(0);
    // Once the claim lapses, an attempt writes each note once.
    await w.t.db
      .update(smsMessages)
      .set({ notesLockedUntil: new Date(Date.now() - 1000) })
      .where(and(eq(smsMessages.tenantId, w.tenant.id), like(smsMessages.text, `${P} %`)));
    expect(await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id })).toMatchObject({
      status: "done",
      result: { noted: 2 },
    });
    expect(await notesOf(P)).toHaveLength(4);
    expect(await writePendingSmsNotes(w.t.db, { tenantId: w.tenant.id })).toMatchObject({
      status: "skipped",
    });
  });
});
