import { Module } from '@nestjs/common';
import { UserStore } from './user-store.service.js';

/** The user store, in a module of its own so that AuthModule's options factory can inject it (claims, user loader). */
@Module({ providers: [UserStore], exports: [UserStore] })
export class UsersModule {}
