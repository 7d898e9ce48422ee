/**
 * Virtual clock + scheduler. Everything time-based in the emulator (event timestamps, rate limits, the
 * 2-minute lock-out, call timelines, webhook retries) reads this clock, so tests can freeze it and step it
 * forward deterministically instead of sleeping.
 *
 * Modes: running (virtual time = base + real elapsed × speed) or frozen (time moves only via set/advance).
 */
interface Task {
  id: number;
  at: number;
  order: number;
  fn: () => void;
}

export interface ClockState {
  now: number;
  frozen: boolean;
  speed: number;
  pending: number;
}

export class Clock {
  private baseVirtual: number;
  private baseReal: number;
  private speed = 1;
  private frozen = false;
  private tasks: Task[] = [];
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  /** Guards against re-entrancy when a task itself advances the clock. */
  private running = false;

  constructor(start: number = Date.now()) {
    this.baseVirtual = start;
    this.baseReal = Date.now();
  }

  now(): number {
    if (this.frozen) return this.baseVirtual;
    return Math.floor(this.baseVirtual + (Date.now() - this.baseReal) * this.speed);
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  state(): ClockState {
    return { now: this.now(), frozen: this.frozen, speed: this.speed, pending: this.tasks.length };
  }

  /** Jump to an absolute time. Tasks that become due run (in time order), so a jump behaves like waiting. */
  set(ms: number): void {
    if (ms >= this.now()) {
      this.runUntil(ms);
    } else {
      this.rebase(ms);
    }
    this.arm();
  }

  advance(ms: number): void {
    this.set(this.now() + Math.max(0, ms));
  }

  setSpeed(speed: number): void {
    this.rebase(this.now());
    this.speed = speed > 0 ? speed : 1;
    this.arm();
  }

  freeze(frozen: boolean): void {
    this.rebase(this.now());
    this.frozen = frozen;
    this.arm();
  }

  /**
   * Run every pending task now (the "instant" mode for tests), moving the clock to the last task's time.
   * Follow-ups scheduled by those tasks (e.g. record/added a few seconds after a call) run too, but nothing
   * more than 10 minutes beyond the current time, so a far-future job cannot fling the clock forward.
   */
  flush(): void {
    const horizon = 600_000;
    for (let i = 0; i < 50; i++) {
      const due = this.tasks.filter((t) => t.at <= this.now() + horizon);
      if (due.length === 0) break;
      this.set(Math.max(...due.map((t) => t.at)));
    }
  }

  schedule(at: number, fn: () => void): number {
    const id = this.nextId++;
    this.tasks.push({ id, at, order: id, fn });
    this.arm();
    return id;
  }

  cancel(id: number): void {
    this.tasks = this.tasks.filter((t) => t.id !== id);
  }

  clearTasks(): void {
    this.tasks = [];
    this.arm();
  }

  dispose(): void {
    this.tasks = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private rebase(virtual: number): void {
    this.baseVirtual = virtual;
    this.baseReal = Date.now();
  }

  private popDue(limit: number): Task | undefined {
    let best: Task | undefined;
    for (const t of this.tasks) {
      if (t.at > limit) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.order < best.order)) best = t;
    }
    if (best) this.tasks = this.tasks.filter((t) => t !== best);
    return best;
  }

  /** Runs due tasks one by one with the clock set to each task's own time, so their timestamps are exact. */
  private runUntil(target: number): void {
    if (this.running) {
      this.rebase(Math.max(target, this.now()));
      return;
    }
    this.running = true;
    try {
      for (;;) {
        const task = this.popDue(target);
        if (!task) break;
        if (task.at > this.now()) this.rebase(task.at);
        try {
          task.fn();
        } catch (err) {
          console.error("[mango-emulator] scheduled task failed", err);
        }
      }
      if (target > this.now()) this.rebase(target);
    } finally {
      this.running = false;
    }
  }

  /** In running mode, a real timer wakes us when the next task is due (scaled by speed). */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.tasks.length === 0) return;
    const next = Math.min(...this.tasks.map((t) => t.at));
    // A frozen clock still runs what is already due (e.g. a command's immediate result), just not the future.
    if (this.frozen && next > this.now()) return;
    const delay = Math.min(Math.max(0, (next - this.now()) / this.speed), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runUntil(this.now());
      this.arm();
    }, delay);
    this.timer.unref();
  }
}
