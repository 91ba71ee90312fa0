import { jsonResponse, type OperationDocsValue } from '../openapi/operation-docs.js';

const TOKEN = { type: 'string', description: 'A compact JWT.' };
const refusal = (code: string) => ({
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    code: { type: 'string', enum: [code] },
  },
});
const INVALID_BODY = jsonResponse(
  'The body is not valid (the field messages, never the values).',
  refusal('validation_failed'),
);

/** The OpenAPI summary and responses of each ready-made route (the security is added from the guards). */
export const ROUTE_DOCS: Readonly<Record<string, OperationDocsValue>> = {
  login: {
    summary: 'Log in: credentials in, a fresh access token and a refresh token (a new session) out',
    responses: {
      '200': jsonResponse('The tokens of the new session.', {
        type: 'object',
        required: ['access_token', 'refresh_token'],
        properties: { access_token: TOKEN, refresh_token: TOKEN },
      }),
      '400': INVALID_BODY,
      '401': jsonResponse(
        'Unknown user or wrong password (the two are not told apart).',
        refusal('invalid_credentials'),
      ),
    },
  },
  refresh: {
    summary: 'A refresh token in, a new (not fresh) access token out; a new refresh token too with rotation on',
    responses: {
      '200': jsonResponse('The new tokens.', {
        type: 'object',
        required: ['access_token'],
        properties: { access_token: TOKEN, refresh_token: TOKEN },
      }),
    },
  },
  logout: {
    summary: "Log out: ends this token's session",
    responses: {
      '200': jsonResponse('Every token of the session is refused from now on.', {
        type: 'object',
        properties: { logged_out: { type: 'string', enum: ['session'] } },
      }),
    },
  },
  logoutAll: {
    summary: 'Log out everywhere: ends every session of the user',
    responses: {
      '200': jsonResponse("Every token of the user's sessions is refused from now on.", {
        type: 'object',
        properties: { logged_out: { type: 'string', enum: ['all_sessions'] } },
      }),
    },
  },
  sessions: {
    summary: "The user's sessions (where they are logged in); times are epoch seconds",
    responses: {
      '200': jsonResponse('The sessions, newest first.', {
        type: 'object',
        properties: {
          sessions: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                createdAt: { type: 'integer' },
                lastRefreshedAt: { type: 'integer', nullable: true },
                expiresAt: { type: 'integer' },
                current: { type: 'boolean' },
                userAgent: { type: 'string', nullable: true },
                ip: { type: 'string', nullable: true },
              },
            },
          },
        },
      }),
    },
  },
  revokeOthers: {
    summary: "Ends the user's other sessions, keeping this one",
    responses: {
      '200': jsonResponse('How many sessions were ended.', {
        type: 'object',
        properties: { revoked: { type: 'integer' } },
      }),
      '400': jsonResponse('The access token belongs to no session.', refusal('session_required')),
    },
  },
};
