/**
 * A small hand-written OpenAPI 3.1 document in the shape of the JSON API (issue 19): the docs
 * page and the test harness (document validation, response validation, client generation) are
 * tested on it independently of the document describe/openapi.ts derives from the contract.
 */
const rateLimitHeaders = {
  'RateLimit-Limit': { description: 'Requests allowed in the window.', schema: { type: 'integer', examples: [100] } },
  'RateLimit-Remaining': { description: 'Requests left in the window.', schema: { type: 'integer', examples: [99] } },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer', examples: [30] } },
};

const problem = (status: number, code: string, result: number) => ({
  description: `${code}`,
  headers: rateLimitHeaders,
  content: {
    'application/problem+json': {
      schema: { $ref: '#/components/schemas/Problem' },
      example: { type: `https://ams.example/problems/${code}`, title: code, status, detail: `A ${code} <problem> & more`, code, result },
    },
  },
});

export function sampleOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'AMS <JSON> API',
      version: '1.0.0',
      description: 'Accounts of a partner.\n\nEvery answer carries the <b>rate-limit</b> headers.',
    },
    servers: [{ url: '/api/v1' }],
    tags: [
      { name: 'Accounts', description: 'Backup accounts.' },
      { name: 'Tokens', description: 'Tokens.' },
    ],
    security: [{ basicAuth: [] }, { bearerAuth: [] }],
    paths: {
      '/accounts': {
        post: {
          operationId: 'createAccount',
          tags: ['Accounts'],
          summary: 'Creates an account',
          description: 'CreateAccountBySize.',
          parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/NewAccount' },
                example: { username: 'alice', password: 'correct horse battery', sizeMb: 10240, email: 'alice@example.com' },
              },
            },
          },
          responses: {
            '201': {
              description: 'Created',
              headers: { ...rateLimitHeaders, Location: { description: 'The new account.', schema: { type: 'string', examples: ['/api/v1/accounts/alice'] } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Account' } } },
            },
            '409': problem(409, 'AlreadyExists', 5),
            '422': problem(422, 'InvalidInputParameters', 2),
            '429': {
              ...problem(429, 'TooManyRequests', 14),
              headers: { ...rateLimitHeaders, 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', examples: [1] } } },
            },
          },
        },
        get: {
          operationId: 'listAccounts',
          tags: ['Accounts'],
          summary: 'Lists accounts',
          security: [{ bearerAuth: [] }],
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'A page',
              headers: rateLimitHeaders,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AccountPage' } } },
            },
          },
        },
      },
      '/accounts/{username}': {
        parameters: [{ name: 'username', in: 'path', required: true, description: 'The user name.', schema: { type: 'string', examples: ['alice'] } }],
        get: {
          operationId: 'getAccount',
          tags: ['Accounts'],
          summary: 'Reads an account',
          responses: {
            '200': { description: 'The account', headers: rateLimitHeaders, content: { 'application/json': { schema: { $ref: '#/components/schemas/Account' } } } },
            '404': problem(404, 'AccountNotFound', 3),
          },
        },
      },
      '/creating-account-tokens': {
        post: {
          operationId: 'createToken',
          tags: ['Tokens'],
          summary: 'Makes a token',
          deprecated: true,
          security: [],
          responses: { '204': { description: 'Done', headers: rateLimitHeaders } },
        },
      },
    },
    components: {
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic', description: 'The partner API user.' },
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key.' },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Retries with the same key replay the first answer.',
          schema: { type: 'string', maxLength: 200, examples: ['b7d1c5c4-2d8e-4a57-9b1c-0e6a3f1f2a10'] },
        },
      },
      schemas: {
        NewAccount: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password', 'sizeMb'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', description: 'Never logged.' },
            sizeMb: { type: 'integer', format: 'int64', minimum: 1 },
            email: { type: 'string', format: 'email' },
          },
          examples: [{ username: 'alice', password: 'correct horse battery', sizeMb: 10240 }],
        },
        Account: {
          type: 'object',
          required: ['username', 'sizeMb', 'createdAt'],
          properties: {
            username: { type: 'string' },
            sizeMb: { type: 'integer', format: 'int64' },
            status: { enum: ['Active', 'Cancelled'] },
            createdAt: { type: 'string', format: 'date-time' },
          },
          examples: [{ username: 'alice', sizeMb: 10240, status: 'Active', createdAt: '2026-12-05T10:00:00Z' }],
        },
        AccountPage: {
          type: 'object',
          required: ['items', 'nextCursor'],
          properties: {
            items: { type: 'array', items: { $ref: '#/components/schemas/Account' } },
            nextCursor: { type: ['string', 'null'] },
          },
          examples: [{ items: [], nextCursor: null }],
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'result'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { enum: ['AccountNotFound', 'AlreadyExists', 'InvalidInputParameters', 'TooManyRequests'] },
            result: { type: 'integer' },
            field: { type: 'string' },
          },
          examples: [{ type: 'about:blank', title: 'Not Found', status: 404, code: 'AccountNotFound', result: 3 }],
        },
      },
    },
  };
}
