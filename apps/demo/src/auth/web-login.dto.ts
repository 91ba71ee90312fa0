import { IsBoolean, IsOptional } from 'class-validator';
import { LoginDto } from './login.dto.js';

/**
 * Body of `POST /web/login`: the credentials of `POST /login`, and the "remember me" box. Without `remember: true` the
 * auth cookies are session cookies, gone when the browser closes; with it the refresh cookie lives as long as the
 * refresh token.
 */
export class WebLoginDto extends LoginDto {
  @IsBoolean()
  @IsOptional()
  remember?: boolean;
}
