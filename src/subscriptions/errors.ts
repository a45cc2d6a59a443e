/** Errors of the subscription manager, thrown to the caller of `subscribe` / `attach`. */

/** The SQL cannot be subscribed to: bad SQL, unknown table, or a write statement. */
export class SubscriptionSqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionSqlError';
  }
}

/** No live subscription has this id (it never existed or was removed after being idle). */
export class SubscriptionNotFoundError extends Error {
  constructor(id: string, message?: string) {
    super(message ?? `no subscription with id ${id}; subscribe again with its SQL`);
    this.name = 'SubscriptionNotFoundError';
  }
}

/** A resume asked for changes older than the retained history: subscribe afresh instead. */
export class ResumeTooOldError extends Error {
  constructor(from: number, oldest: number) {
    super(
      `change id ${from} is older than the retained history (oldest resumable: ${oldest}); ` +
        'subscribe again without "from" to get the current rows',
    );
    this.name = 'ResumeTooOldError';
  }
}

/** A resume asked for a change id this subscription has not produced yet. */
export class ResumeFromFutureError extends Error {
  constructor(from: number, last: number) {
    super(`change id ${from} is ahead of this subscription (last change id: ${last})`);
    this.name = 'ResumeFromFutureError';
  }
}

/** The manager holds `maxSubscriptions` distinct queries already. */
export class TooManySubscriptionsError extends Error {
  constructor(limit: number) {
    super(`too many live subscriptions (limit ${limit}); reuse an existing query or close some`);
    this.name = 'TooManySubscriptionsError';
  }
}
