import { type ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';

/** Deeper than the login body; class-transformer recurses once per level and overflows the stack near 1,300. */
const MAX_BODY_DEPTH = 16;

/**
 * Validation of the ready-made routes' bodies: a refusal is 400 `validation_failed` with the field messages (never the
 * value, which may be a password), unknown fields are dropped, and a body nested deeper than any DTO here is refused
 * before class-transformer walks it. Bound to the routes' own bodies: nothing runs on the app's other routes.
 */
@Injectable()
export class AuthRoutesValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => refusal(errors.flatMap((error) => Object.values(error.constraints ?? {}))),
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && isDeeperThan(value, MAX_BODY_DEPTH)) {
      throw refusal([`request body must not be nested more than ${MAX_BODY_DEPTH} levels deep`]);
    }
    return super.transform(value, metadata);
  }
}

function refusal(message: string[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, code: 'validation_failed' });
}

// Iterative, so the check itself cannot overflow.
function isDeeperThan(root: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
}
