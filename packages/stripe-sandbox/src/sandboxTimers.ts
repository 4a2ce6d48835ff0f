/**
 * The sandbox's view of time for webhook delivery: the clock that stamps attempts and signatures,
 * and the timers that wake retries and abandon slow attempts. Production uses the real ones; a
 * test passes `createManualTimers()` and moves time itself, so retries happen without waiting.
 */
export interface SandboxTimers {
  /** Unix milliseconds. */
  now(): number;
  /** Calls `callback` once after `milliseconds`; the handle is for `clearTimeout`. */
  setTimeout(callback: () => void, milliseconds: number): SandboxTimerHandle;
  clearTimeout(handle: SandboxTimerHandle): void;
}

export type SandboxTimerHandle = { readonly sandboxTimer: true } | NodeJS.Timeout;

/** Real time. Timers are unref'd: a retry waiting for later must not keep a finished process alive. */
export const realTimers: SandboxTimers = {
  now: () => Date.now(),
  setTimeout(callback, milliseconds) {
    const timer = setTimeout(callback, milliseconds);
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface ManualTimers extends SandboxTimers {
  /** When each pending timer is due, soonest first (unix milliseconds). */
  pendingDueTimes(): number[];
  /** Moves the clock forward by `milliseconds`, firing every timer that falls due, in due order. */
  advanceBy(milliseconds: number): void;
}

/**
 * A clock that stands still until told to move (`advanceBy`), starting at `startAt` (now by
 * default, so signatures stay inside Stripe's five-minute tolerance of real time).
 */
export function createManualTimers(startAt: number = Date.now()): ManualTimers {
  let now = startAt;
  let sequence = 0;
  const pending = new Map<SandboxTimerHandle, { dueAt: number; sequence: number; callback: () => void }>();
  const nextDue = () =>
    [...pending.entries()].sort(([, left], [, right]) => left.dueAt - right.dueAt || left.sequence - right.sequence)[0];
  return {
    now: () => now,
    setTimeout(callback, milliseconds) {
      const handle: SandboxTimerHandle = { sandboxTimer: true };
      sequence += 1;
      pending.set(handle, { dueAt: now + Math.max(0, milliseconds), sequence, callback });
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
    },
    pendingDueTimes: () => [...pending.values()].map((timer) => timer.dueAt).sort((left, right) => left - right),
    advanceBy(milliseconds) {
      const until = now + milliseconds;
      for (let due = nextDue(); due !== undefined && due[1].dueAt <= until; due = nextDue()) {
        const [handle, timer] = due;
        pending.delete(handle);
        now = timer.dueAt;
        timer.callback();
      }
      now = until;
    },
  };
}
