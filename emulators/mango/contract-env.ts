import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { startMangoEmulator } from "./server";
import {
  type ApiResult,
  advance,
  control,
  DEMO,
  mangoPost,
  type Receiver,
  samplesRoot,
  shapeDiff,
  startReceiver,
} from "./test-support";

/** Shared environment for the contract tests (one emulator + one webhook receiver per test file). */
export interface ContractEnv {
  url: string;
  rx: Receiver;
  close(): Promise<void>;
}

export async function openEnv(): Promise<ContractEnv> {
  const emu = await startMangoEmulator({ port: 0 });
  const rx = await startReceiver();
  return {
    url: emu.url,
    rx,
    close: async () => {
      await emu.close();
      await rx.close();
    },
  };
}

/** Fresh seed, webhook → our receiver, frozen clock: each sample check starts from the same state. */
export async function resetEnv(env: ContractEnv): Promise<void> {
  await control(env.url, "reset", {});
  await control(env.url, "webhook", { url: env.rx.url });
  await control(env.url, "clock", { freeze: true });
  env.rx.events.length = 0;
  env.rx.respond = () => 200;
}

/** Sample files (not their .src.txt) of one samples directory — iterated so none is skipped silently. */
export function sampleFiles(dir: string): string[] {
  return readdirSync(path.join(samplesRoot, dir))
    .filter((f) => !f.endsWith(".src.txt"))
    .sort();
}

export function loadSample(dir: string, file: string): unknown {
  const text = readFileSync(path.join(samplesRoot, dir, file), "utf8");
  return file.endsWith(".json") ? JSON.parse(text) : text;
}

/** Drop research annotations ("_transport", "_path") that are not part of MANGO's payloads. */
export function clean(sample: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(sample as Record<string, unknown>).filter(([k]) => !k.startsWith("_")),
  );
}

/** Signed API call; the clock is moved 2.1 s first so per-method limits (1 per 2 s) never interfere. */
export async function api(
  env: ContractEnv,
  method: string,
  payload: unknown,
  base: "vpbx" | "cc" = "vpbx",
): Promise<ApiResult> {
  await advance(env.url, 2100);
  return mangoPost(env.url, method, payload, DEMO, { base });
}

export async function scenario(
  env: ContractEnv,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const r = await control(env.url, "scenarios", body);
  await advance(env.url, 300_000);
  return r;
}

export function expectShape(sample: unknown, actual: unknown, allowExtra: string[] = []): void {
  expect(actual, "no payload to compare").toBeTruthy();
  expect(shapeDiff(sample, actual, "$", allowExtra)).toEqual([]);
}

/** "Accepted": HTTP 200 and either no result code or result 1000. */
export function expectAccepted(r: ApiResult): void {
  expect(r.status).toBe(200);
  const b = r.body as Record<string, unknown> | null;
  expect(b).not.toBeNull();
  if (b && ("result" in b || "code" in b)) expect(Number(b.result ?? b.code)).toBe(1000);
}

export function one(
  list: Array<Record<string, unknown>>,
  pred: (e: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  const found = list.filter(pred);
  expect(found.length, "expected event not emitted").toBeGreaterThan(0);
  return found[0] as Record<string, unknown>;
}

/** Answered, recorded incoming call through group 201. */
export const ANSWERED_INCOMING = {
  type: "incoming",
  from: "+79991234567",
  line: "74950000000",
  group: "201",
  answeredBy: "101",
  talkSeconds: 35,
  recorded: true,
};

/** Starts a callback, waits for the client leg to connect, then records it by command. */
export async function recordByCommand(env: ContractEnv): Promise<string> {
  await control(env.url, "callback-outcomes", { outcome: "answered", talkSeconds: 120 });
  await api(env, "commands/callback", {
    command_id: "cb-rec",
    from: { extension: "101" },
    to_number: "79990001122",
  });
  await advance(env.url, 15_000);
  const connected = one(
    env.rx.of("events/call"),
    (e) => e.call_state === "Connected" && (e.from as Record<string, unknown>).extension === "101",
  );
  const r = await api(env, "commands/recording/start", {
    command_id: "rec-cmd-1",
    call_id: connected.call_id,
    call_party_number: "101",
  });
  expectAccepted(r);
  await advance(env.url, 300_000);
  return String(connected.call_id);
}

export type Check = (env: ContractEnv, sample: unknown) => Promise<void>;
export const ev = (env: ContractEnv, p: string) => env.rx.of(p);

/** Request samples carry ids from MANGO's example account; sending them verbatim must still be acknowledged. */
export function acceptedCommand(method: string, resultPath: string): Check {
  return async (env, sample) => {
    const r = await api(env, method, sample);
    expectAccepted(r);
    await advance(env.url, 1000);
    const res = one(
      ev(env, resultPath),
      (e) => e.command_id === (sample as Record<string, unknown>).command_id,
    );
    expect(typeof res.result).toBe("number");
  };
}

export function resultShape(
  method: string,
  payload: Record<string, unknown>,
  resultPath: string,
  expected: number,
): Check {
  return async (env, sample) => {
    expectAccepted(await api(env, method, payload));
    await advance(env.url, 1000);
    const res = one(ev(env, resultPath), (e) => e.command_id === payload.command_id);
    expectShape(sample, res);
    expect(res.result).toBe(expected);
  };
}

export const SMS = {
  command_id: "sms-1",
  text: "Ваш заказ готов",
  from_extension: "101",
  to_number: "79990001122",
  sms_sender: "AMANGO",
};
