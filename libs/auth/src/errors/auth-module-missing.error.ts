/**
 * The error a guard or decorator of this library gives when `AuthModule` is not in scope where it is used: Nest's own
 * would name an internal provider it could not resolve.
 */
export function authModuleMissing(user: string): Error {
  return new Error(
    `nest-jwt-extended: ${user} needs AuthModule. Import AuthModule.forRoot(...) or AuthModule.forRootAsync(...) in ` +
      'the module that uses it, or once in the root module with isGlobal: true.',
  );
}
