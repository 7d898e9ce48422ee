import { afterAll, beforeAll, beforeEach } from "vitest";
import { startMangoEmulator } from "./server";
import { control, type Receiver, startReceiver } from "./test-support";

/**
 * The emulator integration tests' shared setup: one emulator and one webhook receiver per file; before each
 * test the emulator is reset, sends its webhooks to the receiver, and its clock is frozen (tests advance it
 * through /__control/clock); the receiver forgets what it got and answers 200 again. `started` hands the
 * two to the file once they are up.
 */
export function emulatorAndReceiverPerFile(started: (e: { url: string; rx: Receiver }) => void): void {
  let url = "";
  let rx: Receiver | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const emu = await startMangoEmulator({ port: 0 });
    url = emu.url;
    close = emu.close;
    rx = await startReceiver();
    started({ url, rx });
  });
  afterAll(async () => {
    await close?.();
    await rx?.close();
  });
  beforeEach(async () => {
    await control(url, "reset", {});
    await control(url, "webhook", { url: rx!.url });
    await control(url, "clock", { freeze: true });
    rx!.events.length = 0;
    rx!.respond = () => 200;
  });
}
