/** Where airlock-dlq talks to its operator: output, errors, the terminal and cancellation. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: a progress bar is drawn there. */
  tty: boolean;
  /** Aborted on SIGINT/SIGTERM: a replay stops cleanly between two chunks. */
  signal: AbortSignal;
}
