import { normalizePhone, toMangoNumber } from "@/server/phone/normalize";
import { createCcApi } from "./cc-api";
import type { MangoEmployee, MangoGroup, MangoLine } from "./domain";
import { createTransport, type TransportOptions } from "./http";
import { recordingLinkSign } from "./sign";
import { toEmployee, toGroup, toLine } from "./transform";
import { commandAckSchema, groupsResponseSchema, linesResponseSchema, usersResponseSchema } from "./types";

/**
 * MANGO OFFICE VPBX client. Knows neither the database nor amoCRM: key, salt and base URL are handed in
 * (production https://app.mango-office.ru/vpbx). Commands are asynchronous in MANGO: a resolved promise
 * means "accepted" (ack 1000); the outcome arrives later as the webhook result/<command> carrying the
 * `commandId` we sent. Callers derive `commandId` from their job's idempotency key, so a repeated job
 * can look for that result before sending again — MANGO itself does not deduplicate command ids.
 */

export type MangoClientOptions = TransportOptions;

export type CallbackInput = {
  /** ≤128 bytes; echoed in result/callback and in every events/call of the call. */
  commandId: string;
  fromExtension: string;
  /** Any form: E.164 and Russian local forms are sent as MANGO digits; extensions are sent as they are. */
  toNumber: string;
  /** Caller ID: a line of this VPBX (for SIP lines the line NAME from the LK). */
  lineNumber?: string;
  /** Ring this device of the employee instead of their default ones. */
  fromNumber?: string;
  /** Ask the employee's SIP phone to answer at once (Call-Info/answer-after). */
  autoAnswer?: boolean;
};

export type CallbackGroupInput = {
  commandId: string;
  /** Exactly one of from/to is a group's short number; the other is an external number. */
  from: string;
  to: string;
  lineNumber: string;
};

export type SmsInput = {
  commandId: string;
  fromExtension: string;
  toNumber: string;
  text: string;
  /** Sender name allowed in the LK; MANGO's default when absent. */
  sender?: string;
};

export type RecordingAction = "download" | "play";

/** Phones go to MANGO as digits without "+" (all of MANGO's examples); anything else unchanged. */
function mangoNumber(input: string): string {
  const phone = normalizePhone(input);
  return phone ? toMangoNumber(phone) : input.trim();
}

const MAX_COMMAND_ID_BYTES = 128;

function checkCommandId(commandId: string): string {
  if (!commandId || Buffer.byteLength(commandId) > MAX_COMMAND_ID_BYTES) {
    throw new RangeError("commandId must be 1..128 bytes");
  }
  return commandId;
}

export function createMangoClient(opts: MangoClientOptions) {
  const t = createTransport(opts);

  async function command(method: string, payload: Record<string, unknown>, idempotent = false) {
    await t.call(method, payload, { schema: commandAckSchema, idempotent });
    return { commandId: payload.command_id as string };
  }

  return {
    /** config/users/request with the extra fields we need to map employees to amoCRM users. */
    async getUsers(filter: { extension?: string } = {}): Promise<MangoEmployee[]> {
      const body = await t.call(
        "config/users/request",
        {
          ...(filter.extension ? { extension: filter.extension } : {}),
          ext_fields: [
            "general.user_id",
            "general.mobile",
            "general.login",
            "general.sips",
            "groups",
            "telephony.line_id",
          ],
        },
        { schema: usersResponseSchema, idempotent: true },
      );
      return body.users.map(toEmployee);
    },

    /** The VPBX's numbers (DID, 8-800, SIP lines) — the caller IDs a callback may use. */
    async getLines(): Promise<MangoLine[]> {
      const body = await t.call("incominglines", {}, { schema: linesResponseSchema, idempotent: true });
      return body.lines.map(toLine);
    },

    async getGroups(): Promise<MangoGroup[]> {
      const body = await t.call(
        "groups",
        { show_users: 1 },
        { schema: groupsResponseSchema, idempotent: true },
      );
      return body.groups.map(toGroup);
    },

    /** Click-to-call: MANGO rings the employee first, then `toNumber`, and bridges them. */
    async callback(input: CallbackInput) {
      const from: Record<string, string> = { extension: input.fromExtension };
      if (input.fromNumber) from.number = mangoNumber(input.fromNumber);
      return command("commands/callback", {
        command_id: checkCommandId(input.commandId),
        from,
        to_number: mangoNumber(input.toNumber),
        ...(input.lineNumber ? { line_number: input.lineNumber } : {}),
        ...(input.autoAnswer ? { sip_headers: { "Call-Info/answer-after": "0" } } : {}),
      });
    },

    /** Call on behalf of a group: `from`/`to` are plain strings here, `line_number` is required. */
    async callbackGroup(input: CallbackGroupInput) {
      return command("commands/callback_group", {
        command_id: checkCommandId(input.commandId),
        from: mangoNumber(input.from),
        to: mangoNumber(input.to),
        line_number: input.lineNumber,
      });
    },

    /** Ending a call twice cannot harm (the second gets 4101), so this command may be repeated. */
    async hangup(input: { commandId: string; callId: string }) {
      return command(
        "commands/call/hangup",
        { command_id: checkCommandId(input.commandId), call_id: input.callId },
        true,
      );
    },

    /** result/sms tells whether MANGO sent it; events/sms later tells whether it was delivered. */
    async sendSms(input: SmsInput) {
      return command("commands/sms", {
        command_id: checkCommandId(input.commandId),
        text: input.text,
        from_extension: input.fromExtension,
        to_number: mangoNumber(input.toNumber),
        ...(input.sender ? { sms_sender: input.sender } : {}),
      });
    },

    async startRecording(input: { commandId: string; callId: string; callPartyNumber: string }) {
      return command(
        "commands/recording/start",
        {
          command_id: checkCommandId(input.commandId),
          call_id: input.callId,
          call_party_number: input.callPartyNumber,
        },
        true,
      );
    },

    /** A one-shot, short-lived download/play URL of a recording (302 Location); never store it. */
    recordingUrl(recordingId: string, action: RecordingAction = "download"): Promise<string> {
      return t.redirect("queries/recording/post", { recording_id: recordingId, action });
    },

    /**
     * A signed GET link valid until `expiresAt` (epoch seconds) that needs no POST — the LK must allow it.
     * Its signature is sha256(key + timestamp + recording_id + salt) [§2.12].
     */
    recordingLink(recordingId: string, expiresAt: number, action: RecordingAction = "download"): string {
      const ts = String(Math.floor(expiresAt));
      const sig = recordingLinkSign(opts.apiKey, ts, recordingId, opts.salt);
      const parts = [recordingId, action, opts.apiKey, ts, sig].map(encodeURIComponent);
      return `${t.vpbxBase}/queries/recording/link/${parts.join("/")}`;
    },

    ...createCcApi(t),
  };
}

export type MangoClient = ReturnType<typeof createMangoClient>;
