// Route table of the account API (paths relative to the account root /a/<sub>).
import type { ApiHandler } from "../context";
import { getAccount, getPipeline, getUser, listPipelines, listStatuses, listUsers } from "./account";
import { addCalls, addV2Events } from "./calls";
import { getCompany, listCompanies } from "./companies";
import { createContacts, getContact, listContacts, patchContacts } from "./contacts";
import { createFields, getField, listFields, patchFields } from "./custom-fields";
import { listEvents } from "./event-feed";
import { createLeads, getLead, listLeads, patchLeads } from "./leads";
import {
  getWidget,
  installWidget,
  listWebhooks,
  salesbotContinue,
  subscribeWebhook,
  uninstallWidget,
  unsubscribeWebhook,
} from "./misc";
import { addNotes, getNote, listNotes, patchNotes } from "./notes";
import { addTags, listTags } from "./tags";
import { createTasks, getTask, listTasks, patchTask, patchTasks } from "./tasks";
import { acceptUnsorted, addComplex, addUnsortedSip, declineUnsorted, listUnsorted } from "./unsorted";

interface Route {
  method: string;
  pattern: RegExp;
  handler: ApiHandler;
}

const E = "(?<entity>leads|contacts|companies|customers)";
const routes: Route[] = [];
function r(method: string, path: string, handler: ApiHandler) {
  routes.push({ method, pattern: new RegExp(`^${path}/?$`), handler });
}

r("GET", "/api/v4/account", getAccount);
r("GET", "/api/v4/users", listUsers);
r("GET", "/api/v4/users/(?<id>\\d+)", getUser);
r("GET", "/api/v4/leads/pipelines", listPipelines);
r("GET", "/api/v4/leads/pipelines/(?<id>\\d+)", getPipeline);
r("GET", "/api/v4/leads/pipelines/(?<id>\\d+)/statuses", listStatuses);
r("GET", "/api/v4/leads/unsorted", listUnsorted);
r("POST", "/api/v4/leads/unsorted/sip", addUnsortedSip);
r("POST", "/api/v4/leads/unsorted/(?<uid>[0-9a-f]+)/accept", acceptUnsorted);
r("DELETE", "/api/v4/leads/unsorted/(?<uid>[0-9a-f]+)/decline", declineUnsorted);
r("POST", "/api/v4/leads/complex", addComplex);
r("GET", `/api/v4/${E}/custom_fields`, listFields);
r("POST", `/api/v4/${E}/custom_fields`, createFields);
r("PATCH", `/api/v4/${E}/custom_fields`, patchFields);
r("GET", `/api/v4/${E}/custom_fields/(?<id>\\d+)`, getField);
r("PATCH", `/api/v4/${E}/custom_fields/(?<id>\\d+)`, patchFields);
r("GET", `/api/v4/${E}/tags`, listTags);
r("POST", `/api/v4/${E}/tags`, addTags);
r("GET", `/api/v4/${E}/notes`, listNotes);
r("POST", `/api/v4/${E}/notes`, addNotes);
r("PATCH", `/api/v4/${E}/notes`, patchNotes);
r("GET", `/api/v4/${E}/notes/(?<noteId>\\d+)`, getNote);
r("GET", `/api/v4/${E}/(?<id>\\d+)/notes`, listNotes);
r("POST", `/api/v4/${E}/(?<id>\\d+)/notes`, addNotes);
r("GET", `/api/v4/${E}/(?<id>\\d+)/notes/(?<noteId>\\d+)`, getNote);
r("GET", "/api/v4/leads", listLeads);
r("POST", "/api/v4/leads", createLeads);
r("PATCH", "/api/v4/leads", patchLeads);
r("GET", "/api/v4/leads/(?<id>\\d+)", getLead);
r("PATCH", "/api/v4/leads/(?<id>\\d+)", patchLeads);
r("GET", "/api/v4/contacts", listContacts);
r("POST", "/api/v4/contacts", createContacts);
r("PATCH", "/api/v4/contacts", patchContacts);
r("GET", "/api/v4/contacts/(?<id>\\d+)", getContact);
r("PATCH", "/api/v4/contacts/(?<id>\\d+)", patchContacts);
r("GET", "/api/v4/companies", listCompanies);
r("GET", "/api/v4/companies/(?<id>\\d+)", getCompany);
r("GET", "/api/v4/tasks", listTasks);
r("POST", "/api/v4/tasks", createTasks);
r("PATCH", "/api/v4/tasks", patchTasks);
r("GET", "/api/v4/tasks/(?<id>\\d+)", getTask);
r("PATCH", "/api/v4/tasks/(?<id>\\d+)", patchTask);
r("POST", "/api/v4/calls", addCalls);
r("GET", "/api/v4/events", listEvents);
r("GET", "/api/v4/webhooks", listWebhooks);
r("POST", "/api/v4/webhooks", subscribeWebhook);
r("DELETE", "/api/v4/webhooks", unsubscribeWebhook);
r("GET", "/api/v4/widgets/(?<code>[\\w-]+)", getWidget);
r("POST", "/api/v4/widgets/(?<code>[\\w-]+)", installWidget);
r("DELETE", "/api/v4/widgets/(?<code>[\\w-]+)", uninstallWidget);
r("POST", "/api/v4/(?:salesbot|marketingbot)/(?<bot>\\d+)/continue/(?<cont>[\\w-]+)", salesbotContinue);
r("POST", "/api/v2/events", addV2Events);

export type Match =
  | { kind: "ok"; handler: ApiHandler; params: Record<string, string> }
  | { kind: "method" }
  | { kind: "none" };

export function matchRoute(method: string, path: string): Match {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      pathMatched = true;
      continue;
    }
    return { kind: "ok", handler: route.handler, params: { ...m.groups } };
  }
  return pathMatched ? { kind: "method" } : { kind: "none" };
}
