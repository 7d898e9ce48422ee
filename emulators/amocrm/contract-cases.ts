// Per-sample contract cases for contract.int.test.ts: REST API requests and responses.
import { expect } from "vitest";
import { extraCases } from "./contract-cases-extra";
import { FIELD, PHONE_ENUMS, PIPELINE_MAIN } from "./seed";
import {
  type Harness,
  type HttpResult,
  lenientJson,
  readSample,
  type ShapeOptions,
  sampleJson,
  shapeDiff,
} from "./test-support";

export interface Ctx {
  h: Harness;
}
export type Case = (ctx: Ctx, file: string) => Promise<void>;

/** Values the emulator legitimately returns as null where a doc example shows a value (open deal, no group…). */
export const SHAPE: ShapeOptions = {
  nullable: [
    "closed_at",
    "closest_task_at",
    "loss_reason_id",
    "source_id",
    "score",
    "group_id",
    "color",
    "enums",
    "required_statuses",
    "settings",
    "remind",
    "link",
    "code",
    "contact_id",
    "company_id",
    "status_rights",
    "client_uuid",
    "pipeline_id",
    "role_id",
    "custom_fields_values",
    "uuid",
  ],
  // Paging links depend on the data set (amoCRM adds next/prev/first/last only when they exist).
  optional: ["next", "prev", "first", "last"],
};

export function expectShape(sampleFile: string, actual: unknown, opts: ShapeOptions = SHAPE): void {
  expect(shapeDiff(sampleJson(sampleFile), actual, opts)).toEqual([]);
}

export function expectStatus(r: HttpResult, status: number): void {
  expect(r.status, r.text).toBe(status);
}

type Send = (h: Harness) => Promise<HttpResult>;
const cases: Record<string, Case> = {};

/** Registers a request sample (must be accepted) and its response sample (same shape). */
function pair(reqFile: string | null, respFile: string | null, send: Send, status = 200): void {
  if (reqFile) cases[reqFile] = async ({ h }) => expectStatus(await send(h), status);
  if (respFile) {
    cases[respFile] = async ({ h }) => {
      const r = await send(h);
      expectStatus(r, status);
      expectShape(respFile, r.body);
    };
  }
}

const body = (file: string) => sampleJson(file);

pair(null, "account-response.json", (h) =>
  h.api(
    "GET",
    "/api/v4/account?with=amojo_id,amojo_rights,users_groups,task_types,version,entity_names,datetime_settings,drive_url",
  ),
);
pair(null, "users-list-response.json", (h) => h.api("GET", "/api/v4/users?with=role,group"));
pair(null, "pipelines-list-response.json", (h) => h.api("GET", "/api/v4/leads/pipelines"));
pair(null, "leads-list-response.json", (h) => h.api("GET", "/api/v4/leads?limit=2&page=2"));
pair(null, "custom-fields-list-response.json", (h) =>
  h.api("GET", "/api/v4/leads/custom_fields?limit=2&page=1"),
);
pair(null, "custom-field-phone-definition.json", (h) =>
  h.api("GET", `/api/v4/contacts/custom_fields/${FIELD.phone}`),
);
pair(
  "custom-fields-create-request.json",
  "custom-fields-create-response.json",
  (h) => h.api("POST", "/api/v4/leads/custom_fields", body("custom-fields-create-request.json")),
  201,
);
pair("leads-add-request.json", "leads-add-response.json", (h) =>
  h.api("POST", "/api/v4/leads", body("leads-add-request.json")),
);
pair("leads-complex-request.json", "leads-complex-response.json", (h) =>
  h.api("POST", "/api/v4/leads/complex", body("leads-complex-request.json")),
);
pair("leads-patch-request.json", "leads-patch-response.json", (h) =>
  h.api("PATCH", "/api/v4/leads", body("leads-patch-request.json")),
);
pair("contacts-add-request.json", "contacts-add-response.json", (h) =>
  h.api("POST", "/api/v4/contacts", body("contacts-add-request.json")),
);
pair("contact-patch-request.json", "contact-patch-response.json", (h) =>
  h.api("PATCH", "/api/v4/contacts/3", body("contact-patch-request.json")),
);
pair("notes-call-add-request.json", "notes-add-response.json", (h) =>
  h.api("POST", "/api/v4/leads/notes", body("notes-call-add-request.json")),
);
pair("notes-call-analytics-request.json", null, (h) =>
  h.api("POST", "/api/v4/leads/167353/notes", body("notes-call-analytics-request.json")),
);
pair("notes-sms-patch-request.json", "notes-patch-response.json", (h) =>
  h.api("PATCH", "/api/v4/leads/notes", body("notes-sms-patch-request.json")),
);
pair(null, "tasks-list-response.json", (h) =>
  h.api("GET", "/api/v4/tasks?filter[task_type][]=2&filter[is_completed][]=1&limit=2"),
);
pair("tasks-add-request.json", "tasks-add-response.json", (h) =>
  h.api("POST", "/api/v4/tasks", body("tasks-add-request.json")),
);
pair("task-complete-request.json", "task-complete-response.json", (h) =>
  h.api("PATCH", "/api/v4/tasks/4747929", body("task-complete-request.json")),
);
pair(null, "tags-list-response.json", (h) =>
  h.api("GET", "/api/v4/leads/tags?filter[id][]=2707&filter[id][]=2709"),
);
pair("tags-add-request.json", "tags-add-response.json", (h) =>
  h.api("POST", "/api/v4/leads/tags", body("tags-add-request.json")),
);
pair(
  "webhooks-api-subscribe-request.json",
  "webhooks-api-subscribe-response.json",
  (h) => h.api("POST", "/api/v4/webhooks", body("webhooks-api-subscribe-request.json")),
  201,
);
pair(null, "webhooks-api-list-response.json", async (h) => {
  await h.api("POST", "/api/v4/webhooks", { destination: "https://webhook-uri.com", settings: ["add_task"] });
  await h.api("POST", "/api/v4/webhooks", {
    destination: "https://api.test.ru/amoWebHook",
    settings: ["update_lead"],
  });
  return h.api("GET", "/api/v4/webhooks");
});
pair("widgets-install-request.json", "widgets-get-installed-response.json", async (h) => {
  const r = await h.api("POST", "/api/v4/widgets/amo_asterisk", body("widgets-install-request.json"));
  expectStatus(r, 200);
  return h.api("GET", "/api/v4/widgets/amo_asterisk");
});
pair(
  "salesbot-continue-request.json",
  null,
  (h) => h.api("POST", "/api/v4/salesbot/321/continue/123", body("salesbot-continue-request.json")),
  202,
);

/** The documented example uses another account's pipeline/tag ids: mapped onto the seeded ones. */
function sipRequest(): unknown {
  const raw = readSample("unsorted-sip-add-request.json")
    .replaceAll("2194576", String(PIPELINE_MAIN))
    .replaceAll("263809", "2719");
  return JSON.parse(raw);
}
pair("unsorted-sip-add-request.json", "unsorted-sip-add-response.json", (h) =>
  h.api("POST", "/api/v4/leads/unsorted/sip", sipRequest()),
);
pair(null, "unsorted-list-response.json", async (h) => {
  const r = await h.api("POST", "/api/v4/leads/unsorted/sip", sipRequest());
  const uid = (r.body as { _embedded: { unsorted: Array<{ uid: string }> } })._embedded.unsorted[0]?.uid;
  return h.api("GET", `/api/v4/leads/unsorted?filter[uid]=${uid}`);
});

/** calls: the documented phone "123123" matches no one; use a seeded contact's phone (no active deal → contact). */
function callsRequest(): unknown[] {
  const calls = body("calls-add-request.json") as Array<Record<string, unknown>>;
  return calls.map((c) => ({ ...c, phone: "+7 (812) 222-33-44" }));
}
cases["calls-add-request.json"] = async ({ h }) => {
  expectStatus(await h.api("POST", "/api/v4/calls", callsRequest()), 200);
  // As documented: an unknown number is not added; real clients then fall back to unsorted/sip.
  const unknown = await h.api("POST", "/api/v4/calls", body("calls-add-request.json"));
  expectStatus(unknown, 400);
  expectShape("validation-error-400.json", unknown.body);
};
cases["calls-add-response.json"] = async ({ h }) => {
  const r = await h.api("POST", "/api/v4/calls", callsRequest());
  expectStatus(r, 200);
  expectShape("calls-add-response.json", r.body);
  expect(
    (r.body as { _embedded: { calls: Array<{ entity_type: string }> } })._embedded.calls[0]?.entity_type,
  ).toBe("contact");
};

cases["custom-fields-values-multitext-example.txt"] = async ({ h }) => {
  const text = readSample("custom-fields-values-multitext-example.txt")
    .replace(/\.\.\./g, "")
    .trim()
    .replace(/,$/, "");
  const fragment = JSON.parse(
    `{${text}}`.replace("31", String(FIELD.phone)).replace("48224", String(PHONE_ENUMS.WORK)),
  );
  expectStatus(await h.api("PATCH", "/api/v4/contacts/3", fragment), 200);
  const c = await h.api("GET", "/api/v4/contacts/3");
  const cf = (
    c.body as { custom_fields_values: Array<{ values: Array<{ value: string; enum_code: string }> }> }
  ).custom_fields_values[0];
  expect(cf?.values.map((v) => v.enum_code)).toEqual(["WORK", "HOME"]);
};

cases["notes-params-by-type.txt"] = async ({ h }) => {
  const blocks = readSample("notes-params-by-type.txt").split("Тип примечания - ").slice(1);
  let n = 0;
  for (const block of blocks) {
    const [head = "", ...rest] = block.split("\n");
    const params = lenientJson(`{${rest.join("\n")}}`) as Record<string, unknown>;
    for (const type of head.split(" и ").map((t) => t.trim())) {
      const r = await h.api("POST", "/api/v4/leads/167353/notes", [{ note_type: type, ...params }]);
      expectStatus(r, 200);
      n++;
    }
  }
  expect(n).toBe(10);
};

export const contractCases: Record<string, Case> = { ...cases, ...extraCases };
