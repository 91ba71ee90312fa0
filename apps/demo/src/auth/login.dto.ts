import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/**
 * Body of `POST /login`. The length caps keep argon2 from being fed megabytes. Decorators apply bottom-up,
 * and the ValidationPipe stops at the first failure of a field, so the type is checked first.
 */
export class LoginDto {
  @MaxLength(256)
  @IsNotEmpty()
  @IsString()
  username!: string;

  @MaxLength(1024)
  @IsNotEmpty()
  @IsString()
  password!: string;
}
