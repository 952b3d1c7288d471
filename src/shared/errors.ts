/**
 * Error classes shared by every capability. The API maps them to `{error: {code, message, details}}`
 * with the status given here; the CLI prints `message` and `details`.
 */
export class AppError extends Error {
  readonly status: number = 500;
  readonly code: string = 'internal_error';
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  override readonly status = 400;
  override readonly code = 'validation_failed';
}

export class NotFoundError extends AppError {
  override readonly status = 404;
  override readonly code = 'not_found';
}

export class ConflictError extends AppError {
  override readonly status = 409;
  override readonly code = 'conflict';
}

export class UnauthorizedError extends AppError {
  override readonly status = 401;
  override readonly code = 'unauthorized';
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
  override readonly code = 'forbidden';
}

export class TooManyRequestsError extends AppError {
  override readonly status = 429;
  override readonly code = 'rate_limited';
}

export class UnsupportedMediaError extends AppError {
  override readonly status = 415;
  override readonly code = 'unsupported_media_type';
}
