/**
 * Progress events of a job (an export, a replay) can arrive before the response that names the
 * job's id: a short one may even end first. They are kept, the latest few, until that response
 * takes its own.
 */
export function createEarlyProgress<P>(limit = 20) {
  const byId = new Map<string, P>();
  return {
    keep(id: string, progress: P): void {
      byId.set(id, progress);
      if (byId.size > limit) byId.delete(byId.keys().next().value!);
    },
    /** The progress that came early for `id`, if any; the others are dropped (they were not ours). */
    take(id: string): P | undefined {
      const progress = byId.get(id);
      byId.clear();
      return progress;
    },
  };
}
