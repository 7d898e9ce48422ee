import type { Engine, Entry, Leg } from "./engine";

/**
 * Call recording events (SPEC §3.1.4, §3.1.8): Started when recording begins (automatically on answer for
 * recorded scenarios, or by commands/recording/start with its command_id), Completed when the leg ends
 * (completion_code 1000, recipient "Cloud"), then events/record/added once the file is in cloud storage. A
 * scenario's `recordingDelaySeconds` moves Completed (and so the file) that long after the leg's end.
 */

export function startRecording(engine: Engine, entry: Entry, leg: Leg, commandId?: string): void {
  const pbx = engine.pbx(entry);
  if (!pbx) return;
  const id = engine.state.nextRecordingId(pbx);
  leg.recording = { id, seq: 1, commandId };
  const payload: Record<string, unknown> = {
    recording_id: id,
    recording_state: "Started",
    seq: 1,
    entry_id: entry.entryId,
    call_id: leg.callId,
    extension: leg.employee?.extension ?? "",
    timestamp: engine.clock.nowSeconds(),
  };
  if (commandId !== undefined) payload.command_id = commandId;
  pbx.recordings.push({
    recordingId: id,
    entryId: entry.entryId,
    callId: leg.callId,
    extension: leg.employee?.extension ?? "",
    userId: leg.employee?.userId ?? -1,
    completed: false,
  });
  engine.delivery.send(pbx, "events/recording", payload);
}

export function completeRecording(engine: Engine, entry: Entry, leg: Leg): void {
  const rec = leg.recording;
  if (!rec) return;
  const delayMs = (entry.recordingDelaySeconds ?? 0) * 1000;
  // A late recording (scenario `recordingDelaySeconds`): completed minutes after the call and its summary.
  if (delayMs > 0)
    engine.clock.schedule(engine.clock.now() + delayMs, () => emitCompleted(engine, entry, leg));
  else emitCompleted(engine, entry, leg);
}

function emitCompleted(engine: Engine, entry: Entry, leg: Leg): void {
  const pbx = engine.pbx(entry);
  const rec = leg.recording;
  if (!pbx || !rec) return;
  const payload: Record<string, unknown> = {
    recording_id: rec.id,
    recording_state: "Completed",
    seq: rec.seq + 1,
    entry_id: entry.entryId,
    call_id: leg.callId,
    extension: leg.employee?.extension ?? "",
    timestamp: engine.clock.nowSeconds(),
    completion_code: 1000,
    recipient: "Cloud",
  };
  if (rec.commandId !== undefined) payload.command_id = rec.commandId;
  engine.delivery.send(pbx, "events/recording", payload);
  const info = pbx.recordings.find((r) => r.recordingId === rec.id);
  // The file reaches cloud storage a little after the recording completes (events/record/added).
  engine.clock.schedule(engine.clock.now() + 3000, () => {
    const p = engine.state.byId(entry.pbxId);
    if (!p) return;
    if (info) info.completed = true;
    engine.delivery.send(p, "events/record/added", {
      entry_id: entry.entryId,
      product_id: p.productId,
      user_id: leg.employee?.userId ?? -1,
      timestamp: engine.clock.nowSeconds(),
      recording_id: rec.id,
    });
  });
}
