/**
 * Errors a backend throws and the HTTP layer turns into 4xx/5xx JSON bodies. Each carries the
 * HTTP status it maps to, so the mapping lives in one place.
 */

/** Base class: an error the API reports to its caller with `status` and a clear message. */
export class ApiError extends Error {
  /** HTTP status code this error maps to. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * A statement was refused: bad SQL, unknown table or column, constraint failure, or a write
 * in a read-only endpoint. Nothing was applied. `index` is the statement's position (0-based).
 */
export class StatementError extends ApiError {
  readonly index: number;
  constructor(message: string, index = 0) {
    super(400, message);
    this.name = 'StatementError';
    this.index = index;
  }
}

/** The request body is not what the endpoint takes (bad JSON, wrong shape). */
export class BadRequestError extends ApiError {
  constructor(message: string) {
    super(400, message);
    this.name = 'BadRequestError';
  }
}

/** The named resource (subscription id, route) does not exist. */
export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, message);
    this.name = 'NotFoundError';
  }
}

/**
 * A subscription resume asked for a change id older than the retained history. The caller
 * must subscribe afresh (which sends the full current rows).
 */
export class GoneError extends ApiError {
  constructor(message: string) {
    super(410, message);
    this.name = 'GoneError';
  }
}
