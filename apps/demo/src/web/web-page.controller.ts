import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { Public } from 'nest-jwt-extended';
import { WEB_PAGE_HTML } from './web-page.html.js';
import { WEB_PAGE_SCRIPT } from './web-page.script.js';
import { WEB_PAGE_STYLES } from './web-page.styles.js';

/**
 * No inline script or style, no other origin, no framing, forms only to this origin: an injected `<script>` or a
 * `style` attribute does not run, which is the defence in depth that HttpOnly token cookies leave to the page.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * A small browser front end for the cookie routes (`POST /web/login`, `/web/refresh`, `/web/logout`): it logs in,
 * shows who is logged in, calls the fresh-only action with the CSRF header, refreshes and logs out. Static, so public.
 */
@Public()
@Controller()
export class WebPageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return WEB_PAGE_HTML;
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return WEB_PAGE_SCRIPT;
  }

  @Get('app.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  styles(): string {
    return WEB_PAGE_STYLES;
  }

  /** Browsers ask for it on every page; an empty answer keeps a 404 out of their consoles. */
  @Get('favicon.ico')
  @HttpCode(204)
  @Header('Cache-Control', 'public, max-age=86400')
  favicon(): void {}
}
