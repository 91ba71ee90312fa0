import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of `POST /step-up`: the password again and, for `acr: "mfa"`, a TOTP code. */
export class StepUpDto {
  @MaxLength(1024)
  @IsNotEmpty()
  @IsString()
  password!: string;

  @IsOptional()
  @MaxLength(16)
  @IsString()
  otp?: string;
}
