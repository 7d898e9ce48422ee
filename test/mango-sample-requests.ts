import { expect } from "vitest";
import { createMangoClient } from "@/server/mango/api";
import { noSleep, scriptedFetch } from "@/test/mango-fetch";

/**
 * Request samples of the reference, reproduced by our client: each check drives the client with a scripted
 * fetch and compares the `json` it signed and sent with the documented example. Used by samples.test.ts.
 */

type Json = Record<string, unknown>;
const withoutTransport = (o: Json) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("_")));

/** The request our client sends for a call, captured from a scripted fetch. */
async function sentBy(
  run: (c: ReturnType<typeof createMangoClient>) => Promise<unknown>,
  reply: unknown = { result: 1000 },
) {
  const { fetch, sent } = scriptedFetch([{ status: 200, json: reply }]);
  const client = createMangoClient({
    baseUrl: "https://mango.test/vpbx",
    apiKey: "k",
    salt: "s",
    fetch,
    ...noSleep(),
  });
  await run(client);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

export const REQUEST_SAMPLES: Record<string, (sample: unknown) => Promise<void>> = {
  "mango/commands-callback-request.json": async (s) => {
    const req = await sentBy((c) =>
      c.callback({
        commandId: "cbk1",
        fromExtension: "1234",
        fromNumber: "12345678",
        toNumber: "74955404444",
        lineNumber: "74951234567",
        autoAnswer: true,
      }),
    );
    expect(req.payload).toEqual(s);
  },
  "mango/commands-callback-request-minimal.json": async (s) => {
    const req = await sentBy((c) =>
      c.callback({
        commandId: "cmd.2.vpbx.12345.external.system.com.net",
        fromExtension: "1234",
        toNumber: "+7 495 540-44-44",
      }),
    );
    expect(req.payload).toEqual(s);
    expect(req.url).toBe("https://mango.test/vpbx/commands/callback");
  },
  "mango/commands-callback-group-request.json": async (s) => {
    const req = await sentBy((c) =>
      c.callbackGroup({ commandId: "cbk2", from: "74955404444", to: "1234", lineNumber: "74951234567" }),
    );
    expect(req.payload).toEqual(s);
  },
  "mango/commands-call-hangup-request.json": async (s) => {
    const req = await sentBy((c) =>
      c.hangup({ commandId: "cmd.888.vpbx.12345.external.system.com.net", callId: "100500" }),
    );
    expect(req.payload).toEqual(s);
  },
  "mango/commands-sms-request.json": async (s) => {
    const req = await sentBy((c) =>
      c.sendSms({
        commandId: "smsmsmsm",
        text: "Hello world!",
        fromExtension: "222",
        toNumber: "8 (495) 540-44-44",
        sender: "PRO-TAXI",
      }),
    );
    expect(req.payload).toEqual(s);
  },
  "mango/commands-recording-start-request.json": async (s) => {
    const req = await sentBy((c) =>
      c.startRecording({
        commandId: "cmd.1000.vpbx.12345.external.system.com.net",
        callId: "100500",
        callPartyNumber: "123",
      }),
    );
    expect(req.payload).toEqual(s);
  },
  "mango/queries-recording-post-request.json": async (s) => {
    const { fetch, sent } = scriptedFetch([{ status: 302, headers: { location: "https://files.test/t1" } }]);
    const client = createMangoClient({ baseUrl: "https://mango.test/vpbx", apiKey: "k", salt: "s", fetch });
    expect(await client.recordingUrl("d12a45f67b90c12345", "play")).toBe("https://files.test/t1");
    expect(sent[0]?.payload).toEqual(s);
  },
  "mango/config-users-request.json": async (s) => {
    const req = await sentBy((c) => c.getUsers({ extension: "1234" }), { users: [] });
    expect(req.payload).toMatchObject(s as Json);
  },
  "mango/config-users-request-ext-fields.json": async (s) => {
    const req = await sentBy((c) => c.getUsers(), { users: [] });
    const documented = (s as { ext_fields: string[] }).ext_fields;
    for (const f of (req.payload as { ext_fields: string[] }).ext_fields) expect(documented).toContain(f);
  },
  "mango-cc/cc-task-add-autocallback-request.json": async (s) => {
    const sample = s as Json;
    const req = await sentBy(
      (c) =>
        c.addAutoCallbackTask({
          toUserId: 300052408,
          phone: "+7 926 029-78-70",
          startTime: 1399906980,
          description: "Текст из заявки, которую оставил клиент",
          durationMinutes: 15,
        }),
      { result: 1000, task_id: 1, auto_call_task_id: 2 },
    );
    expect(req.url).toBe("https://mango.test/cc/task/add");
    // `importance` appears only in the doc's example, not in its parameter table; we do not send it.
    const { importance: _ignored, ...documented } = withoutTransport(sample);
    expect(req.payload).toEqual(documented);
  },
  "mango-cc/task-add-request.json": async (s) => {
    const sample = withoutTransport(s as Json) as Json & { subtasks: Array<{ number: string }> };
    const req = await sentBy(
      (c) =>
        c.addCampaignTask({
          campaignId: 56919,
          name: "Евгеньев Евгений Евгеньевич",
          number: "+375291111111",
          priority: 1,
          position: "Руководитель",
          comment: "Прочитать после выполнения",
          dueDate: "2021-07-20 19:50:00",
          organization: "ООО РК",
          customFields: { "5802": "Салют" },
          alternativeNumbers: sample.subtasks.map((x) => x.number),
        }),
      { result: 1000, task_id: 3223 },
    );
    const { subtasks: sentSubtasks, ...rest } = req.payload as typeof sample;
    const { subtasks, ...expected } = sample;
    expect(rest).toEqual(expected);
    expect(sentSubtasks.map((x) => x.number)).toEqual(subtasks.map((x) => x.number));
  },
  "mango-cc/tasks-push-request.json": async (s) => {
    const sample = withoutTransport(s as Json) as {
      campaign_id: number;
      tasks: Array<Json & { subtasks: Array<{ number: string }> }>;
    };
    const req = await sentBy((c) =>
      c.pushCampaignTasks(
        sample.campaign_id,
        sample.tasks.map((t) => ({
          name: t.name as string,
          number: t.number as string,
          priority: t.priority as number,
          organization: t.organization as string,
          position: t.position as string,
          dueDate: t.due_date as string,
          customFields: t.custom_fields as Record<string, string>,
          alternativeNumbers: t.subtasks.map((x) => x.number),
        })),
      ),
    );
    const sent = req.payload as typeof sample;
    expect(sent.campaign_id).toBe(56919);
    const { subtasks: _a, ...sentTask } = sent.tasks[0]!;
    const { subtasks: _b, ...sampleTask } = sample.tasks[0]!;
    expect(sentTask).toEqual(sampleTask);
  },
};
