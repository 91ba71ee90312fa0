/**
 * The NestJS docs' `constants.ts` ("Passport (authentication)" recipe): the secret as a plain string. The docs hard-code
 * it; here it is the demo's JWT_SECRET_KEY, so the demo's login tokens verify on this route too.
 */
export const jwtConstants = {
  secret: process.env.JWT_SECRET_KEY ?? '',
};
