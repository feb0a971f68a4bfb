/** The bench's own CPU time over a phase (process.cpuUsage), per message: what the load generator cost. */
export interface CpuFigures {
  userMs: number;
  systemMs: number;
  /** Microseconds of this process's CPU per message (user + system). */
  perMessageUs: number;
  /** CPU time over wall time, in percent of one core. */
  percentOfCore: number;
}

export function startCpu(): (messages: number, wallMs: number) => CpuFigures {
  const start = process.cpuUsage();
  return (messages, wallMs) => {
    const used = process.cpuUsage(start);
    const total = used.user + used.system;
    return {
      userMs: used.user / 1000,
      systemMs: used.system / 1000,
      perMessageUs: messages > 0 ? total / messages : 0,
      percentOfCore: wallMs > 0 ? (total / 1000 / wallMs) * 100 : 0,
    };
  };
}
