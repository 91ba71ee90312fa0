// Whether any AuthModule has been instantiated in this process. The decorators read it to tell "AuthModule is not
// imported" (a mistake they report) from "no token on this request" (an anonymous request they answer with undefined).
let present = false;

/** Called by AuthModule's constructor. */
export function markAuthModulePresent(): void {
  present = true;
}

/** True once an AuthModule exists in this process. */
export function isAuthModulePresent(): boolean {
  return present;
}
