import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /login`; the length caps keep argon2 from being fed megabytes. */
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
