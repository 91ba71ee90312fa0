import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { generate, verify } from 'otplib';
import type { DemoEnv } from '../config/demo-env.js';

/**
 * The demo's second factor: a TOTP code (RFC 6238: SHA-1, 6 digits, 30 s steps) from `DEMO_TOTP_SECRET`, the same for
 * every demo user. otplib does the RFC; a real app keeps one secret per user, enrolled through a QR code.
 */
@Injectable()
export class SecondFactor implements OnModuleInit {
  private readonly secret: string | undefined;

  constructor(config: ConfigService<DemoEnv, true>) {
    this.secret = config.get('DEMO_TOTP_SECRET', { infer: true })?.toUpperCase();
  }

  /** Stops start-up, naming the variable, for a secret otplib refuses (too short once decoded, bad base32). */
  async onModuleInit(): Promise<void> {
    if (this.secret === undefined) return;
    try {
      await generate({ secret: this.secret });
    } catch (error) {
      throw new Error(`Invalid environment: DEMO_TOTP_SECRET: ${error instanceof Error ? error.message : 'refused'}`, {
        cause: error,
      });
    }
  }

  /** Whether `code` is the current code (or the one of the step before or after: clocks drift). */
  async verify(code: string): Promise<boolean> {
    if (this.secret === undefined || !/^\d{6}$/.test(code)) return false;
    try {
      return (await verify({ secret: this.secret, token: code, epochTolerance: 30 })).valid;
    } catch {
      return false;
    }
  }
}
