// Control API under /__control/ (JSON). Not part of amoCRM: it lets tests and the demo drive the emulator.
import { readFile, writeFile } from "node:fs/promises";
import { accountTimezone } from "./api/account";
import { recordLeadDeleted } from "./api/event-feed";
import { type Emu, mulberry32 } from "./context";
import { deliver, settle } from "./deliver";
import { fail } from "./errors";
import { json, noContent, type Req, type Res } from "./http";
import { changeLead } from "./lead-actions";
import { refererFor } from "./oauth";
import { seedState } from "./seed";
import { type Account, type Integration, nextId, type State } from "./state";
import { CODE_TTL_SEC, disconnectUrl, mintDisposableToken, randomToken } from "./tokens";

type Body = Record<string, unknown>;

function body(req: Req): Body {
  if (!req.rawBody.trim()) return {};
  const parsed: unknown = JSON.parse(req.rawBody);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    fail(400, "Control body must be a JSON object");
  return parsed as Body;
}

const str = (v: unknown, d: string) => (typeof v === "string" ? v : d);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

function account(emu: Emu, b: Body): Account {
  const acc = emu.state.accounts[str(b.subdomain, "demo")];
  if (!acc) fail(404, `Unknown account ${String(b.subdomain)}`);
  return acc;
}

function integration(emu: Emu, b: Body): Integration {
  const id = typeof b.client_id === "string" ? b.client_id : Object.keys(emu.state.integrations)[0];
  const integ = emu.state.integrations[id ?? ""];
  if (!integ) fail(404, `Unknown integration ${String(b.client_id)}`);
  return integ;
}

/** "+21 min", "-1 h", "90 s", "+1 d" or a number of seconds → milliseconds. */
export function parseOffset(v: unknown): number {
  if (typeof v === "number") return v * 1000;
  const m = /^\s*([+-]?\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)?\s*$/.exec(String(v));
  if (!m) fail(400, `Bad offset ${String(v)}`);
  const unit =
    { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? "s"] ?? 1000;
  return Number(m[1]) * unit;
}

export function resetEmu(emu: Emu, state: State = seedState()): void {
  emu.state = state;
  emu.clock.offsetMs = 0;
  emu.clock.frozenAt = null;
  emu.faults = [];
  emu.log = [];
  emu.deliveries = [];
  emu.rate.reset();
  emu.rng = mulberry32(42);
  emu.dpEntryType = "lead_status_changed";
}

function clockInfo(emu: Emu) {
  return { now: emu.clock.nowSec(), offset_ms: emu.clock.offsetMs, frozen: emu.clock.frozenAt !== null };
}

export async function handleControl(emu: Emu, req: Req, snapshotFile?: string): Promise<Res> {
  const route = `${req.method} ${req.path.replace(/^\/__control/, "").replace(/\/$/, "")}`;
  const b = req.method === "GET" ? {} : body(req);
  switch (route) {
    case "POST /reset":
      resetEmu(emu);
      return json({ ok: true });
    case "GET /state":
      return json(emu.state);
    case "POST /seed":
      resetEmu(emu, (b.state as State | undefined) ?? seedState());
      return json({ ok: true });
    case "POST /snapshot": {
      const file = str(b.file, snapshotFile ?? "");
      if (!file) fail(400, "No snapshot file");
      await writeFile(file, JSON.stringify(emu.state, null, 2));
      return json({ ok: true, file });
    }
    case "POST /load": {
      const file = str(b.file, snapshotFile ?? "");
      if (!file) fail(400, "No snapshot file");
      resetEmu(emu, JSON.parse(await readFile(file, "utf8")) as State);
      return json({ ok: true, file });
    }
    case "GET /clock":
      return json(clockInfo(emu));
    case "POST /clock":
      if (b.reset) emu.clock.offsetMs = 0;
      if (b.offset !== undefined) emu.clock.offsetMs = parseOffset(b.offset);
      if (b.advance !== undefined) emu.clock.offsetMs += parseOffset(b.advance);
      if (b.freeze === true) emu.clock.frozenAt = Date.now();
      if (typeof b.freeze_at === "number") emu.clock.frozenAt = b.freeze_at * 1000 - emu.clock.offsetMs;
      if (b.freeze === false) emu.clock.frozenAt = null;
      return json(clockInfo(emu));
    case "GET /faults":
      return json(emu.faults);
    case "POST /faults": {
      const kind = str(b.kind, "status");
      if (kind !== "latency" && kind !== "late" && kind !== "status" && kind !== "drop")
        fail(400, "kind: latency | late | status | drop");
      const f = {
        id: emu.nextFaultId++,
        kind,
        status: num(b.status) ?? (kind === "status" ? 500 : undefined),
        latencyMs: num(b.latency_ms),
        remaining: num(b.count) ?? (b.ratio === undefined ? 1 : undefined),
        ratio: num(b.ratio),
        pathPrefix: typeof b.path_prefix === "string" ? b.path_prefix : undefined,
      } as const;
      emu.faults.push({ ...f });
      return json(f, 201);
    }
    case "DELETE /faults":
      emu.faults = [];
      return noContent();
    case "GET /requests": {
      const since = Number(req.url.searchParams.get("since") ?? "0");
      const prefix = req.url.searchParams.get("path") ?? "";
      return json(emu.log.filter((e) => e.seq > since && e.path.startsWith(prefix)));
    }
    case "DELETE /requests":
      emu.log = [];
      return noContent();
    case "POST /rate-limit":
      Object.assign(emu.rate.config, {
        ...(num(b.per_second) !== undefined ? { perSecond: num(b.per_second) } : {}),
        ...(num(b.abuse_threshold) !== undefined ? { abuseThreshold: num(b.abuse_threshold) } : {}),
        ...(num(b.abuse_window_sec) !== undefined ? { abuseWindowSec: num(b.abuse_window_sec) } : {}),
        ...(num(b.block_sec) !== undefined ? { blockSec: num(b.block_sec) } : {}),
      });
      if (b.reset) emu.rate.reset();
      if (b.unblock) emu.rate.unblock(typeof b.unblock === "string" ? b.unblock : undefined);
      return json(emu.rate.config);
    case "POST /integrations": {
      const id = str(b.client_id, crypto.randomUUID());
      const prev = emu.state.integrations[id];
      const integ: Integration = {
        client_id: id,
        client_secret: str(b.client_secret, prev?.client_secret ?? randomToken(24)),
        name: str(b.name, prev?.name ?? "Integration"),
        redirect_uris: Array.isArray(b.redirect_uris)
          ? b.redirect_uris.map(String)
          : [...(prev?.redirect_uris ?? []), ...(typeof b.redirect_uri === "string" ? [b.redirect_uri] : [])],
        disconnect_url:
          typeof b.disconnect_url === "string" ? b.disconnect_url : (prev?.disconnect_url ?? null),
        installed_in: prev?.installed_in ?? [],
      };
      emu.state.integrations[id] = integ;
      return json(integ, prev ? 200 : 201);
    }
    case "POST /accounts": {
      const acc = account(emu, b);
      if (typeof b.paid === "boolean") acc.paid = b.paid;
      if (typeof b.timezone === "string") {
        try {
          new Intl.DateTimeFormat("en-US", { timeZone: b.timezone });
        } catch {
          fail(400, `Unknown time zone ${b.timezone}`);
        }
        acc.timezone = b.timezone;
      }
      return json({ subdomain: acc.subdomain, id: acc.id, paid: acc.paid, timezone: accountTimezone(acc) });
    }
    case "POST /oauth/code": {
      // Shortcut for tests without a browser: what pressing "Разрешить" on /oauth produces.
      const acc = account(emu, b);
      const integ = integration(emu, b);
      const code = randomToken(64);
      const redirect = str(b.redirect_uri, integ.redirect_uris[0] ?? "");
      emu.state.codes.push({
        code,
        client_id: integ.client_id,
        subdomain: acc.subdomain,
        user_id: num(b.user_id) ?? acc.current_user_id,
        redirect_uri: redirect,
        expires_at: emu.clock.nowSec() + CODE_TTL_SEC,
        used: false,
      });
      return json({ code, referer: refererFor(emu, acc), redirect_uri: redirect });
    }
    case "POST /disposable-token": {
      const acc = account(emu, b);
      const minted = await mintDisposableToken(emu, acc, integration(emu, b), {
        userId: num(b.user_id),
        ttlSec: num(b.ttl_sec),
        extra: (b.extra as Record<string, unknown> | undefined) ?? undefined,
      });
      return json(minted);
    }
    case "POST /uninstall": {
      const acc = account(emu, b);
      const integ = integration(emu, b);
      for (const t of [...emu.state.access_tokens, ...emu.state.refresh_tokens]) {
        if (t.client_id === integ.client_id && t.subdomain === acc.subdomain) t.dead = true;
      }
      integ.installed_in = integ.installed_in.filter((s) => s !== acc.subdomain);
      const target = str(b.url, integ.disconnect_url ?? "");
      if (!target) return json({ revoked: true, url: null, status: null });
      const d = await deliver(emu, "disconnect", disconnectUrl(target, integ, acc), { method: "GET" });
      return json({ revoked: true, url: d.url, status: d.status, error: d.error });
    }
    case "POST /install-hook": {
      // Widget-install webhook: GET redirect_uri?code&referer&from_widget (reference §2.10).
      const acc = account(emu, b);
      const integ = integration(emu, b);
      const code = randomToken(64);
      const redirect = integ.redirect_uris[0] ?? "";
      emu.state.codes.push({
        code,
        client_id: integ.client_id,
        subdomain: acc.subdomain,
        user_id: acc.current_user_id,
        redirect_uri: redirect,
        expires_at: emu.clock.nowSec() + CODE_TTL_SEC,
        used: false,
      });
      const u = new URL(redirect);
      u.searchParams.set("code", code);
      u.searchParams.set("referer", refererFor(emu, acc));
      u.searchParams.set("platform", "1");
      u.searchParams.set("from_widget", "1");
      const d = await deliver(emu, "webhook", u.toString(), { method: "GET", timeoutMs: 3000 });
      return json({ url: d.url, status: d.status, code });
    }
    case "GET /dp/actions":
      return json(
        Object.values(emu.state.accounts).flatMap((a) =>
          a.dp_actions.map((x) => ({ subdomain: a.subdomain, ...x })),
        ),
      );
    case "POST /dp/actions": {
      const acc = account(emu, b);
      const statusIds = Array.isArray(b.status_ids) ? b.status_ids.map(Number) : [Number(b.status_id)];
      const pipelineId =
        num(b.pipeline_id) ?? acc.pipelines.find((p) => p.statuses.some((s) => s.id === statusIds[0]))?.id;
      if (pipelineId === undefined || typeof b.webhook_url !== "string")
        fail(400, "status_id(s) and webhook_url needed");
      const action = {
        id: nextId(acc),
        pipeline_id: pipelineId,
        status_ids: statusIds,
        webhook_url: b.webhook_url,
        settings: (b.settings as Record<string, unknown> | undefined) ?? {},
        action_multiple: b.action_multiple === true,
        encoding: b.encoding === "form" ? ("form" as const) : ("json" as const),
        client_id: typeof b.client_id === "string" ? b.client_id : null,
      };
      acc.dp_actions.push(action);
      return json(action, 201);
    }
    case "DELETE /dp/actions":
      for (const a of Object.values(emu.state.accounts)) a.dp_actions = [];
      return noContent();
    case "POST /dp/options":
      if (b.entry_type_code === "lead_status_changed" || b.entry_type_code === "lead_appeared_in_status") {
        emu.dpEntryType = b.entry_type_code;
      } else if (b.entry_type_code !== undefined)
        fail(400, "entry_type_code: lead_status_changed | lead_appeared_in_status");
      return json({ entry_type_code: emu.dpEntryType });
    case "POST /leads/move":
    case "POST /leads/update": {
      const acc = account(emu, b);
      const changes = route.endsWith("move")
        ? { status_id: num(b.status_id), ...(num(b.pipeline_id) ? { pipeline_id: num(b.pipeline_id) } : {}) }
        : ((b.changes as Body | undefined) ?? {});
      const out = await changeLead(emu, acc, { leadId: b.lead_id, changes, userId: num(b.user_id) });
      return json({ result: out.result, deliveries: out.deliveries });
    }
    case "POST /leads/delete": {
      // A user deletes the deal in amoCRM's interface: the API no longer returns it (GET → 204).
      const acc = account(emu, b);
      const lead = acc.leads.find((l) => l.id === num(b.lead_id) && !l.is_deleted);
      if (!lead) fail(404, `Unknown lead ${String(b.lead_id)}`);
      const now = emu.clock.nowSec();
      lead.is_deleted = true;
      lead.updated_at = now;
      recordLeadDeleted(acc, lead, num(b.user_id) ?? acc.current_user_id, now);
      return json({ ok: true });
    }
    case "GET /deliveries":
      return json(emu.deliveries);
    case "POST /deliveries/settle":
      await settle(emu);
      return json(emu.deliveries);
    default:
      fail(404, `Unknown control call ${route}`);
  }
}
