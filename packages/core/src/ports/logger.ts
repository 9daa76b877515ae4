/** The narrow logging view core needs; Powertools' Logger and `console` both fit. */
export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Structured one-line JSON logs, quiet below `level`. */
export function createConsoleLogger(service: string, level: "debug" | "info" | "warn" | "error" | "silent" = "info"): Logger {
  const order = ["debug", "info", "warn", "error", "silent"];
  const min = order.indexOf(level);
  const log = (lvl: "debug" | "info" | "warn" | "error") => (message: string, extra?: Record<string, unknown>) => {
    if (order.indexOf(lvl) < min) return;
    const line = JSON.stringify({ level: lvl, service, message, timestamp: new Date().toISOString(), ...extra });
    (lvl === "error" || lvl === "warn" ? console.error : console.log)(line);
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}
