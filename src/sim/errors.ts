/** Thrown for invalid simulator options or scenario files; the message says what to fix. */
export class SimConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimConfigError';
  }
}
