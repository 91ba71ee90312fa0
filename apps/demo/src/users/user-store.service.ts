import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import argon2 from 'argon2';
import type { DemoEnv } from '../config/demo-env.js';

/** A demo user as `GET /me` shows it: never its password hash. */
export interface DemoUser {
  username: string;
  roles: string[];
}

/** Every demo user's roles: enough to show a `roles` claim surviving refreshes. */
const DEMO_ROLES: readonly string[] = ['user'];

/**
 * The demo's users, held in memory with argon2id hashes and their roles. A real app would keep them in its database;
 * the parts worth copying are `verifyCredentials` and `findUser`.
 */
@Injectable()
export class UserStore implements OnModuleInit {
  private readonly hashes = new Map<string, string>();
  // Checked when the username is unknown, so both answers take one argon2 verification.
  private dummyHash = '';

  constructor(private readonly config: ConfigService<DemoEnv, true>) {}

  async onModuleInit(): Promise<void> {
    const users = parseUsers(this.config.get('DEMO_USERS', { infer: true }) || 'test:test');
    await Promise.all(
      users.map(async ([username, password]) => this.hashes.set(username, await argon2.hash(password))),
    );
    this.dummyHash = await argon2.hash(randomBytes(16).toString('hex'));
  }

  /** The user with this identity (the username), or `undefined`: what the user loader of `GET /me` asks. */
  findUser(identity: string): DemoUser | undefined {
    return this.hashes.has(identity) ? { username: identity, roles: [...DEMO_ROLES] } : undefined;
  }

  /** The roles of a user, `[]` for an unknown one: what the claims loader puts in every access token. */
  rolesOf(identity: string): string[] {
    return this.findUser(identity)?.roles ?? [];
  }

  /** The identity for these credentials, or `undefined`; the same work is done whether the user exists or not. */
  async verifyCredentials(username: string, password: string): Promise<string | undefined> {
    const hash = this.hashes.get(username);
    const matches = await argon2.verify(hash ?? this.dummyHash, password);
    return hash !== undefined && matches ? username : undefined;
  }
}

/** `alice:secret,bob:pw` into pairs; a password may itself contain `:`. */
export function parseUsers(spec: string): Array<[string, string]> {
  return spec.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    const username = colon === -1 ? '' : entry.slice(0, colon).trim();
    const password = colon === -1 ? '' : entry.slice(colon + 1);
    if (!username || !password)
      throw new Error('DEMO_USERS: each entry must be username:password, separated by commas');
    return [username, password];
  });
}
