import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';

/** Users and their argon2id hashes; a real app keeps the hashes in its database. */
@Injectable()
export class UserStore implements OnModuleInit {
  private readonly hashes = new Map<string, string>();
  // Verified when the username is unknown, so both answers cost one argon2 verification.
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.hashes.set('test', await argon2.hash('test'));
    this.dummyHash = await argon2.hash(randomBytes(16).toString('hex'));
  }

  /** The identity for these credentials, or `undefined`. */
  async verifyCredentials(username: string, password: string): Promise<string | undefined> {
    const hash = this.hashes.get(username);
    const matches = await argon2.verify(hash ?? this.dummyHash, password);
    return hash !== undefined && matches ? username : undefined;
  }
}
