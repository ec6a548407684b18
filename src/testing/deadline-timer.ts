/**
 * A single timer that fires `onDue` once the injectable clock reaches a deadline. The delay is
 * computed from that clock but waited on a real timer, so when the clock is fake the timer may wake
 * before the deadline: it then checks again and re-arms for what remains. `onDue` also runs from
 * `check()`, which the emulator's `tick()` calls after a test advanced its clock.
 */

// setTimeout overflows above 2^31-1 ms and would fire at once.
const MAX_DELAY_MS = 2_147_483_647;

export class DeadlineTimer {
  private handle: NodeJS.Timeout | undefined;
  private deadline = Number.POSITIVE_INFINITY;

  constructor(
    private readonly now: () => number,
    private readonly onDue: () => void,
  ) {}

  /** Arms the timer for `deadline` unless an earlier one is already armed. */
  armAt(deadline: number): void {
    if (deadline < this.deadline) this.set(deadline);
  }

  /** Replaces the deadline (Infinity disarms). */
  reset(deadline: number): void {
    this.set(deadline);
  }

  /** Runs `onDue` now if the deadline has passed. */
  check(): void {
    if (this.deadline !== Number.POSITIVE_INFINITY && this.now() >= this.deadline) this.fire();
  }

  cancel(): void {
    clearTimeout(this.handle);
    this.handle = undefined;
    this.deadline = Number.POSITIVE_INFINITY;
  }

  private set(deadline: number): void {
    clearTimeout(this.handle);
    this.handle = undefined;
    this.deadline = deadline;
    if (deadline === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(deadline - this.now(), 0), MAX_DELAY_MS);
    this.handle = setTimeout(this.fire, delay).unref();
  }

  private readonly fire = (): void => {
    const deadline = this.deadline;
    this.cancel();
    if (this.now() >= deadline) this.onDue();
    else this.set(deadline);
  };
}
