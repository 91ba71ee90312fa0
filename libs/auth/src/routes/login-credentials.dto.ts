import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/**
 * Body of the ready-made login route. The caps keep a password hash from being fed megabytes. Decorators apply
 * bottom-up and the pipe stops at a field's first failure, so the type is checked first.
 */
export class LoginCredentialsDto {
  @MaxLength(256)
  @IsNotEmpty()
  @IsString()
  username!: string;

  @MaxLength(1024)
  @IsNotEmpty()
  @IsString()
  password!: string;

  // The hook @nestjs/swagger's CLI plugin writes: swagger reads the body's schema from it, and nothing here imports
  // swagger (an optional peer).
  static _OPENAPI_METADATA_FACTORY() {
    return {
      username: { required: true, type: () => String, minLength: 1, maxLength: 256 },
      password: { required: true, type: () => String, minLength: 1, maxLength: 1024, format: 'password' },
    };
  }
}
