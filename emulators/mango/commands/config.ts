import { ApiError, type Handler, int, ok, str } from "../context";
import type { Employee, Pbx } from "../types";

/**
 * Configuration queries (SPEC §3.7): employees, groups, incoming lines. Shapes follow the spec examples
 * field by field; optional fields appear only when requested through `ext_fields`, as in the spec.
 */

const EXT_FIELDS = new Set([
  "general.user_id",
  "general.sips",
  "groups",
  "general.access_role_id",
  "telephony.dial_alg",
  "telephony.numbers.schedule",
  "telephony.line_id",
  "telephony.trunk_number_id",
  "general.mobile",
  "general.login",
  "general.use_status",
  "general.use_cc_numbers",
]);

function userJson(e: Employee, ext: Set<string>): Record<string, unknown> {
  const general: Record<string, unknown> = {
    name: e.name,
    email: e.email,
    department: e.department,
    position: e.position,
  };
  if (ext.has("general.user_id")) general.user_id = e.userId;
  if (ext.has("general.access_role_id")) general.access_role_id = e.accessRoleId;
  if (ext.has("general.mobile")) general.mobile = e.mobile;
  if (ext.has("general.login")) general.login = e.login;
  if (ext.has("general.use_status")) general.use_status = 1;
  if (ext.has("general.use_cc_numbers")) general.use_cc_numbers = 0;
  if (ext.has("general.sips")) general.sips = e.sips.map((number) => ({ number }));
  const numbers = e.numbers.map((n) => {
    const out: Record<string, unknown> = { number: n.number };
    // number_normalized only appears in the spec's ext_fields example, so it is tied to ext_fields here.
    if (n.normalized !== undefined && ext.size > 0) out.number_normalized = n.normalized;
    Object.assign(out, { protocol: n.protocol, order: n.order, wait_sec: n.waitSec, status: n.status });
    if (ext.has("telephony.numbers.schedule")) out.schedule = [];
    return out;
  });
  const telephony: Record<string, unknown> = {
    extension: e.extension,
    outgoingline: e.outgoingLine,
    numbers,
  };
  if (ext.has("telephony.dial_alg")) telephony.dial_alg = 1;
  if (ext.has("telephony.line_id")) telephony.line_id = e.lineId;
  if (ext.has("telephony.trunk_number_id")) telephony.trunk_number_id = null;
  const user: Record<string, unknown> = { general, telephony };
  if (ext.has("groups")) user.groups = [...e.groups];
  return user;
}

const usersRequest: Handler = (_ctx, pbx, body) => {
  const extension = str(body, "extension");
  const raw = body.ext_fields;
  if (raw !== undefined && (!Array.isArray(raw) || raw.some((f) => typeof f !== "string"))) {
    throw new ApiError(3104, "ext_fields must be an array of strings");
  }
  // Unknown ext_fields are ignored rather than refused: newer fields must not break older accounts.
  const ext = new Set(((raw as string[] | undefined) ?? []).filter((f) => EXT_FIELDS.has(f)));
  const users = pbx.employees.filter((e) => extension === undefined || e.extension === extension);
  // No "result" key: the spec's success examples for this method have none.
  return ok({ users: users.map((e) => userJson(e, ext)) });
};

function groupJson(pbx: Pbx, g: Pbx["groups"][number], showUsers: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: g.id,
    name: g.name,
    description: g.description,
    extension: g.extension,
    dial_alg_group: g.dialAlgGroup,
    dial_alg_users: g.dialAlgUsers,
    auto_redirect: 1,
    auto_dial: 0,
    line_id: g.lineId,
    use_dynamic_ivr: 0,
    use_dynamic_seq_num: 0,
    melody_id: null,
  };
  if (showUsers) {
    out.operators = g.operators.map((o) => {
      const e = pbx.employees.find((x) => x.userId === o.userId);
      return {
        id: o.userId,
        name: e?.name ?? "",
        extension: e?.extension ?? "",
        priority: o.priority,
        order: o.order,
      };
    });
  }
  return out;
}

const groups: Handler = (_ctx, pbx, body) => {
  const groupId = int(body, "group_id");
  const operatorId = int(body, "operator_id");
  const operatorExt = str(body, "operator_extension");
  const showUsers = int(body, "show_users") === 1;
  const opUser = operatorExt ? pbx.employees.find((e) => e.extension === operatorExt)?.userId : operatorId;
  const list = pbx.groups.filter(
    (g) =>
      (groupId === undefined || g.id === groupId) &&
      (opUser === undefined || g.operators.some((o) => o.userId === opUser)) &&
      !(operatorExt !== undefined && opUser === undefined),
  );
  if (groupId !== undefined && list.length === 0) throw new ApiError(3300, "group not found");
  return ok({ result: 1000, groups: list.map((g) => groupJson(pbx, g, showUsers)) });
};

const incomingLines: Handler = (_ctx, pbx) =>
  ok({
    result: 1000,
    lines: pbx.lines.map((l) => ({
      line_id: l.lineId,
      number: l.number,
      name: l.name,
      comment: l.comment,
      region: l.region,
      schema_id: l.schemaId,
      schema_name: l.schemaName,
    })),
  });

export const configHandlers: Record<string, Handler> = {
  "config/users/request": usersRequest,
  groups,
  incominglines: incomingLines,
};
