import type { LoadUser, VerificationSettings } from '../verification/verification-settings.js';

export type { LoadUser };

/** The resolved settings that the guards and `RequestVerifier` read. Declared beside the code that reads them. */
export type GuardSettings = VerificationSettings;
