/**
 * C0 controls, DEL and C1 controls: an identity is echoed, logged and used as a storage key, and a NUL or an ANSI
 * escape in it is never what an issuer meant.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether `text` holds a C0 or C1 control character or DEL. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}
