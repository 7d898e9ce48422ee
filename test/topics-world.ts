// Integration-test support for saving Contact Center call topics (server/topics): the call-logging world
// (both emulators, MANGO's events over HTTP, paired extensions) plus campaign calls to a chosen number, the
// emulator's clock, and one topics run at a chosen moment of that clock.
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { calls, callTopics } from "@/db/schema";
import type { IntegrationSettingsInput } from "@/lib/domain/settings/schema";
import { phoneField } from "@/server/amocrm/requests";
import { mangoClientFor } from "@/server/connections/mango";
import { runCallTopics } from "@/server/topics/poll";
import { ANSWERED_STAGE, type LogWorld, MISSED_STAGE, startLogWorld } from "./calls-world";

/** «Заявки с сайта», the demo PBX's running endless campaign. */
export const ENDLESS_CAMPAIGN = { id: 56919, name: "Заявки с сайта" };
/** The two stages of «Сохранять в сделках тематики…». */
export const STAGE_NO_DEAL = ANSWERED_STAGE;
export const STAGE_IF_DEAL = MISSED_STAGE;
/**
 * The demo PBX's topic tree: «Исходящий обзвон» (folder) → «Интересно» 10070002, «Не интересно» 10070003,
 * «Перезвонить позже» 10070004; «Входящий вопрос» 10070005.
 */
export const INTERESTED = 10070002;
export const LATER = 10070004;
export const INTERESTED_PATH = "Исходящий обзвон / Интересно";
export const LATER_PATH = "Исходящий обзвон / Перезвонить позже";

export type TopicsWorld = Awaited<ReturnType<typeof startTopicsWorld>>;

export async function startTopicsWorld() {
  const w: LogWorld = await startLogWorld();
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${w.mango.url}/__control/${path}`, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const callIdOf = async (entryId: string) => {
    const [call] = await w.t.db
      .select({ id: calls.id })
      .from(calls)
      .where(and(eq(calls.tenantId, w.tenant.id), eq(calls.entryId, entryId)));
    return call!.id;
  };
  return {
    ...w,
    /** Settings with the Contact Center and topic saving on; `createClients` = the two «…при звонке на новый номер». */
    async topicsSettings(o: {
      createClients: boolean;
      saveTopics?: boolean;
      intoOpenDeal?: boolean;
      topicsField?: boolean;
    }) {
      const input: IntegrationSettingsInput = {
        calls: { outgoing: { createContact: o.createClients, createDeal: o.createClients } },
        extra: {
          contactCenter: {
            enabled: true,
            saveTopics: {
              enabled: o.saveTopics ?? true,
              stageIfDeal: STAGE_IF_DEAL,
              stageIfNoDeal: STAGE_NO_DEAL,
              intoOpenDeal: o.intoOpenDeal ?? false,
              topicsField: o.topicsField ?? false,
            },
          },
        },
      };
      await w.settings(input);
    },
    /** A campaign call to `phone` answered by 102; topics/comment visible `delayS` after it ends. */
    async campaignCall(
      phone: string,
      o: { topics?: number[]; comment?: string; delayS?: number; taskId?: number } = {},
    ): Promise<{ entryId: string; taskId: number }> {
      const taskId =
        o.taskId ??
        (
          await (
            await mangoClientFor(w.t.db, { tenantId: w.tenant.id })
          ).addCampaignTask({
            campaignId: ENDLESS_CAMPAIGN.id,
            number: phone,
            name: `Клиент ${phone.slice(-4)}`,
          })
        ).taskId;
      const entryId = await w.call({
        type: "campaign",
        campaignId: ENDLESS_CAMPAIGN.id,
        taskId,
        operator: "102",
        ...(o.topics ? { topics: o.topics } : {}),
        ...(o.comment !== undefined ? { comment: o.comment } : {}),
        commentDelaySeconds: o.delayS ?? 0,
      });
      return { entryId, taskId };
    },
    /** The MANGO emulator's clock (ms): call times and topic visibility are on it. */
    async clock(): Promise<number> {
      return (await control("clock")).now as number;
    },
    async advance(ms: number): Promise<number> {
      await control("clock", { advance: ms });
      return (await control("clock")).now as number;
    },
    callIdOf,
    async topicsRow(entryId: string) {
      const callId = await callIdOf(entryId);
      const [row] = await w.t.db
        .select()
        .from(callTopics)
        .where(and(eq(callTopics.tenantId, w.tenant.id), eq(callTopics.callId, callId)));
      return row ?? null;
    },
    /** One topics run of the call as if it ran at the emulator's current moment. */
    async runTopics(entryId: string) {
      const now = new Date(await this.clock());
      return runCallTopics(w.t.db, { tenantId: w.tenant.id, callId: await callIdOf(entryId), now });
    },
    /** The notes with our marker in amoCRM (the call's MANGO id in their text). */
    async topicNotes(entryId: string) {
      const state = await w.amoState();
      return state.notes.filter(
        (n) =>
          n.note_type === "common" &&
          String(n.params.text ?? "").includes(`ID звонка MANGO OFFICE: ${entryId}`),
      );
    },
    async leadsOfContact(contactId: number) {
      return (await w.amoState()).leads.filter((l) =>
        ((l._embedded as { contacts?: { id: number }[] } | undefined)?.contacts ?? l.contacts ?? []).some(
          (c) => c.id === contactId,
        ),
      );
    },
    /** A contact with this phone made in amoCRM by hand, with an open deal if asked. */
    async knownContact(phone: string, o: { openDeal: boolean }) {
      const amo = w.amocrm();
      const [contact] = await amo.createContacts([
        { name: `Клиент ${phone}`, custom_fields_values: [phoneField(phone)] },
      ]);
      let leadId: number | null = null;
      if (o.openDeal) {
        const [lead] = await amo.createLeads([
          { name: "Открытая сделка", _embedded: { contacts: [{ id: contact!.id, is_main: true }] } },
        ]);
        leadId = lead!.id;
      }
      return { contactId: contact!.id, leadId };
    },
    /** Runs the call's topics once the operator's topics are visible; returns the saved row. */
    async saveNow(entryId: string) {
      await this.advance(1000);
      const out = await this.runTopics(entryId);
      expect(out.outcome).toMatchObject({ status: "done", result: { state: "saved" } });
      return (await this.topicsRow(entryId))!;
    },
    /** MANGO requests to a path since a request id. */
    async mangoRequests(pathPart: string, since = 0) {
      const { requests } = (await control(`requests?since=${since}`)) as {
        requests: { id: number; path: string; code: number | null }[];
      };
      return requests.filter((r) => r.path.includes(pathPart));
    },
    async lastMangoRequestId() {
      const { requests } = (await control("requests")) as { requests: { id: number }[] };
      return requests.at(-1)?.id ?? 0;
    },
  };
}
