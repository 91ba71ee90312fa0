/** Injection token of the list `AuthTestingModule` records security events into. Internal to the testing entry. */
export const TESTING_EVENTS = Symbol('nest-jwt-extended:testing-events');
