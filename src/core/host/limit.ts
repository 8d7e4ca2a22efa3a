/**
 * Bounded parallelism for host refreshes (50 configured hosts must not start 50 ssh at once) where a
 * dead host never holds up the others: a task keeps its slot until it settles or `stallMs` passes,
 * whichever comes first. A host still waiting on its TCP connect timeout after that costs nothing but a
 * sleeping ssh process, so the next host starts instead of queuing behind it.
 */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly stallMs: number,
  ) {}

  /** Tasks holding a slot now (for tests and logs). */
  get running(): number {
    return this.active;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.active++;
        let held = true;
        const release = (): void => {
          if (!held) return;
          held = false;
          clearTimeout(timer);
          this.active--;
          this.queue.shift()?.();
        };
        const timer = setTimeout(release, this.stallMs);
        let p: Promise<T>;
        try {
          p = task();
        } catch (e) {
          p = Promise.reject(e);
        }
        // The slot is free before the caller hears back, so its next call can start right away.
        p.then(
          (v) => {
            release();
            resolve(v);
          },
          (e: unknown) => {
            release();
            reject(e);
          },
        );
      };
      if (this.active < this.max) start();
      else this.queue.push(start);
    });
  }
}
