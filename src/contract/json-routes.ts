/**
 * The JSON API's shape of the operations (issue 19), declared once beside their SOAP shape: for
 * each route under /api/v1 its method and path, the operation(s) it calls, where every SOAP
 * request field comes from (path, JSON body, constant), the success status and the JSON answer.
 * The router and decoder (rest/), the OpenAPI document (describe/openapi.ts) and the docs page
 * walk this table; test/rest/openapi-drift.test.ts proves they agree.
 *
 * JSON names are camelCase; a complex kind's PascalCase fields are camelCased by `jsonName`.
 */
import { AccountStatus } from './common-types.js';
import { complex, dateTime, field, int, long, string, type ComplexKind } from './kinds.js';
import type { OperationDefinition } from './operation.js';
import type { ResultCodeName } from './result-codes.js';
import { Authenticate } from './operations/authenticate.js';
import { CancelAccount } from './operations/cancel-account.js';
import { ChangeAccountLicenseKey } from './operations/change-account-license-key.js';
import { ChangeAccountSize } from './operations/change-account-size.js';
import { ChangeBackupAccountEmail } from './operations/change-backup-account-email.js';
import { ChangeBackupAccountPassword } from './operations/change-backup-account-password.js';
import { CreateAccountByPartnerLicenseKey } from './operations/create-account-by-partner-license-key.js';
import { CreateAccountBySize } from './operations/create-account-by-size.js';
import { CreateAccountByToken } from './operations/create-account-by-token.js';
import { GenerateCreatingAccountToken } from './operations/generate-creating-account-token.js';
import { GetAccountInfo } from './operations/get-account-info.js';
import { GetAccountPayments } from './operations/get-account-payments.js';
import { GetAccountUsedSpaceBySystem } from './operations/get-account-used-space-by-system.js';
import { GetAuthenticationToken } from './operations/get-authentication-token.js';
import { GetAuthorizationToken } from './operations/get-authorization-token.js';
import { GetAuthorizationTokenByEntity } from './operations/get-authorization-token-by-entity.js';
import { RedeemAuthorizationToken } from './operations/redeem-authorization-token.js';
import { ValidateAuthenticationToken } from './operations/validate-authentication-token.js';

export const REST_BASE_PATH = '/api/v1';

/** Where one SOAP request field's value comes from. */
export type ArgSource =
  | { readonly from: 'path'; readonly name: string }
  | {
      readonly from: 'body';
      /** The JSON property (camelCase). */
      readonly name: string;
      readonly required: boolean;
      /** Used when an optional property is absent; strings default to null. */
      readonly default?: string | number | boolean;
    }
  | { readonly from: 'constant'; readonly value: string | number | boolean | null };

export const path = (name: string): ArgSource => ({ from: 'path', name });
export const required = (name: string): ArgSource => ({ from: 'body', name, required: true });
export const optional = (name: string, fallback?: string | number | boolean): ArgSource =>
  fallback === undefined ? { from: 'body', name, required: false } : { from: 'body', name, required: false, default: fallback };

/** One operation a route can call; a route with several picks by the body property `when`. */
export interface RestVariant {
  readonly operation: OperationDefinition;
  /** The body property whose presence selects this variant (POST /accounts); absent: the only one. */
  readonly when?: string;
  /** SOAP request field name → where its value comes from; every request field is listed. */
  readonly args: Readonly<Record<string, ArgSource>>;
}

/** The JSON answer of a successful call, taken from the operation's output. */
export type RestAnswer =
  /** 204, no body. */
  | { readonly kind: 'empty' }
  /** A complex output field, camelCased. */
  | { readonly kind: 'object'; readonly field: string }
  /** Some output fields as an object: JSON name → output field. */
  | { readonly kind: 'fields'; readonly fields: Readonly<Record<string, string>> }
  /** An array output field as `{items}`, with optionally the sum of one item field. */
  | { readonly kind: 'items'; readonly field: string; readonly total?: { readonly name: string; readonly of: string } }
  /**
   * After success, the account named by the request field `username` read with GetAccountInfo
   * (the answer of POST /accounts: 201, Location and the account).
   */
  | { readonly kind: 'account'; readonly username: string };

export interface RestRoute {
  /** The OpenAPI operationId. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Under REST_BASE_PATH; `{name}` segments are path parameters. */
  readonly path: string;
  readonly summary: string;
  readonly variants: readonly RestVariant[];
  readonly status: 200 | 201 | 204;
  readonly answer: RestAnswer;
  /** Sets Location to this path (under REST_BASE_PATH) with `{username}` filled in. */
  readonly location?: string;
  /** An example request body (POST/PUT). */
  readonly example?: Readonly<Record<string, unknown>>;
}

const notify = optional('notifyCustomer', false);

export const REST_ROUTES: readonly RestRoute[] = [
  {
    id: 'createAccount',
    method: 'POST',
    path: '/accounts',
    summary: 'Creates a backup account: under an entity (targetEntityId), by a partner license key (partnerLicenseKey) or by redeeming a creating-account token (token).',
    variants: [
      {
        operation: CreateAccountBySize,
        when: 'targetEntityId',
        args: {
          TargetEntityId: required('targetEntityId'),
          Username: required('username'),
          Password: required('password'),
          AccountSizeMB: required('accountSizeMB'),
          FullName: optional('fullName'),
          Email: optional('email'),
          IsUltrasafe: optional('isUltraSafe', false),
          DisableEmailsNotification: optional('disableEmailNotifications', false),
        },
      },
      {
        operation: CreateAccountByPartnerLicenseKey,
        when: 'partnerLicenseKey',
        args: {
          firstName: optional('fullName'),
          userName: required('username'),
          password: required('password'),
          email: optional('email'),
          licenseKey: optional('licenseKey'),
          partnerLicenseKey: required('partnerLicenseKey'),
          localeCode: optional('localeCode'),
          isUltraSafe: optional('isUltraSafe', false),
          secretQuestion: optional('secretQuestion'),
          answer: optional('answer'),
        },
      },
      {
        operation: CreateAccountByToken,
        when: 'token',
        args: { Token: required('token'), Username: required('username'), Password: required('password'), FullName: optional('fullName'), Email: optional('email') },
      },
    ],
    status: 201,
    answer: { kind: 'account', username: 'username' },
    location: '/accounts/{username}',
    example: { targetEntityId: 12, username: 'jsmith', password: 'S3cure-passphrase', accountSizeMB: 51200, fullName: 'John Smith', email: 'jsmith@example.com' },
  },
  {
    id: 'getAccount',
    method: 'GET',
    path: '/accounts/{username}',
    summary: 'Returns a backup account.',
    variants: [{ operation: GetAccountInfo, args: { userName: path('username') } }],
    status: 200,
    answer: { kind: 'object', field: 'accountInfo' },
  },
  {
    id: 'changeAccountPassword',
    method: 'POST',
    path: '/accounts/{username}/password',
    summary: "Sets a backup account's password (partner side, no current password needed), optionally notifying the customer.",
    variants: [{ operation: ChangeBackupAccountPassword, args: { Username: path('username'), NewPassword: required('newPassword'), SendEmailToCustomer: notify } }],
    status: 204,
    answer: { kind: 'empty' },
    example: { newPassword: 'An0ther-passphrase', notifyCustomer: true },
  },
  {
    id: 'changeAccountEmail',
    method: 'PUT',
    path: '/accounts/{username}/email',
    summary: "Changes a backup account's e-mail address, optionally notifying the customer.",
    variants: [{ operation: ChangeBackupAccountEmail, args: { Username: path('username'), Email: required('email'), SendEmailToCustomer: notify } }],
    status: 204,
    answer: { kind: 'empty' },
    example: { email: 'john.smith@example.com', notifyCustomer: false },
  },
  {
    id: 'changeAccountSize',
    method: 'PUT',
    path: '/accounts/{username}/size',
    summary: "Changes a backup account's storage quota (MB).",
    variants: [{ operation: ChangeAccountSize, args: { userName: path('username'), sizeInMB: required('accountSizeMB') } }],
    status: 204,
    answer: { kind: 'empty' },
    example: { accountSizeMB: 102400 },
  },
  {
    id: 'changeAccountLicenseKey',
    method: 'PUT',
    path: '/accounts/{username}/license-key',
    summary: "Sets a backup account's license key.",
    variants: [{ operation: ChangeAccountLicenseKey, args: { userName: path('username'), licenseKey: required('licenseKey') } }],
    status: 204,
    answer: { kind: 'empty' },
    example: { licenseKey: 'LK-2026-0001' },
  },
  {
    id: 'cancelAccount',
    method: 'POST',
    path: '/accounts/{username}/cancel',
    summary: 'Cancels a backup account and e-mails the customer a notice.',
    variants: [{ operation: CancelAccount, args: { userName: path('username') } }],
    status: 204,
    answer: { kind: 'empty' },
    example: {},
  },
  {
    id: 'authenticateAccount',
    method: 'POST',
    path: '/accounts/{username}/authenticate',
    summary: "Checks a backup account's password; answers its status and backup server.",
    variants: [{ operation: Authenticate, args: { userName: path('username'), password: required('password') } }],
    status: 200,
    answer: { kind: 'fields', fields: { status: 'accountStatus', backupServerName: 'backupServerName' } },
    example: { password: 'S3cure-passphrase' },
  },
  {
    id: 'getAccountUsage',
    method: 'GET',
    path: '/accounts/{username}/usage',
    summary: "A backup account's used space per backed-up system, with the total (GetAccountUsedSpaceBySystem; GetAccountUsedSpace is its total).",
    variants: [{ operation: GetAccountUsedSpaceBySystem, args: { Username: path('username') } }],
    status: 200,
    answer: { kind: 'items', field: 'AccountSpaces', total: { name: 'totalUsedSpaceKB', of: 'UsedSpaceKB' } },
  },
  {
    id: 'getAccountPayments',
    method: 'GET',
    path: '/accounts/{username}/payments',
    summary: 'The payments recorded for a backup account.',
    variants: [{ operation: GetAccountPayments, args: { userName: path('username') } }],
    status: 200,
    answer: { kind: 'items', field: 'payments' },
  },
  {
    id: 'createAuthenticationToken',
    method: 'POST',
    path: '/accounts/{username}/authentication-tokens',
    summary: "Checks a backup account's password and issues a short-lived security token for it.",
    variants: [{ operation: GetAuthenticationToken, args: { Username: path('username'), Password: required('password') } }],
    status: 201,
    answer: { kind: 'fields', fields: { token: 'Token' } },
    example: { password: 'S3cure-passphrase' },
  },
  {
    id: 'createAuthorizationToken',
    method: 'POST',
    path: '/accounts/{username}/authorization-tokens',
    summary: "Checks a backup account's password and issues a single-use token for signing in to MyAccount.",
    variants: [{ operation: GetAuthorizationToken, args: { Username: path('username'), Password: required('password') } }],
    status: 201,
    answer: { kind: 'fields', fields: { authToken: 'AuthToken' } },
    example: { password: 'S3cure-passphrase' },
  },
  {
    id: 'createEntityAuthorizationToken',
    method: 'POST',
    path: '/authorization-tokens',
    summary: 'Issues a single-use web sign-in token for a backup account (isAppUser true) or a partner user (false) in your tree.',
    variants: [{ operation: GetAuthorizationTokenByEntity, args: { Username: required('username'), IsAppUser: required('isAppUser') } }],
    status: 201,
    answer: { kind: 'fields', fields: { authToken: 'AuthToken' } },
    example: { username: 'jsmith', isAppUser: true },
  },
  {
    id: 'redeemAuthorizationToken',
    method: 'POST',
    path: '/authorization-tokens/redeem',
    summary: 'Consumes a single-use web sign-in token and reports whom it signs in.',
    variants: [{ operation: RedeemAuthorizationToken, args: { Token: required('token') } }],
    status: 200,
    answer: { kind: 'fields', fields: { username: 'Username', entityId: 'EntityId', isAppUser: 'IsAppUser' } },
    example: { token: 'q0W8x1m3cS2Vb6...' },
  },
  {
    id: 'validateAuthenticationToken',
    method: 'POST',
    path: '/authentication-tokens/validate',
    summary: 'Checks a security token from createAuthenticationToken and reports whose it is.',
    variants: [{ operation: ValidateAuthenticationToken, args: { Token: required('token') } }],
    status: 200,
    answer: { kind: 'fields', fields: { username: 'Username', status: 'AccountStatus', backupServerName: 'BackupServerName', expiresUtc: 'ExpiresUtc' } },
    example: { token: 'q0W8x1m3cS2Vb6...' },
  },
  {
    id: 'createCreatingAccountToken',
    method: 'POST',
    path: '/creating-account-tokens',
    summary: 'Issues a single-use token with which one customer creates one account under the entity (POST /accounts with token).',
    variants: [
      {
        operation: GenerateCreatingAccountToken,
        args: { TargetEntityId: required('targetEntityId'), AccountSizeMB: required('accountSizeMB'), IsUltrasafe: optional('isUltraSafe', false), ValidForHours: optional('validForHours', 0) },
      },
    ],
    status: 201,
    answer: { kind: 'fields', fields: { token: 'Token', expiresUtc: 'ExpiresUtc' } },
    example: { targetEntityId: 12, accountSizeMB: 51200, isUltraSafe: false, validForHours: 72 },
  },
];

/**
 * GET /api/v1/accounts: the caller's tree, keyset-paginated. REST only (no SOAP operation); it is
 * what the obsolete GetAllAccounts becomes, with filters and without a silent cut.
 */
export const ACCOUNT_LIST_ROUTE = {
  id: 'listAccounts',
  method: 'GET',
  path: '/accounts',
  summary: "Lists the accounts in your tree (or an entity's subtree), ordered by user name, a page at a time. Replaces GetAllAccounts.",
  query: ['entityId', 'customerTypeCode', 'status', 'limit', 'cursor'],
  defaultLimit: 100,
  maxLimit: 1000,
} as const;

/** One item of GET /api/v1/accounts. */
export const AccountListEntry: ComplexKind = complex('AccountListEntry', [
  field('UserName', string),
  field('FullName', string),
  field('Email', string),
  field('EntityId', int),
  field('CustomerTypeCode', string),
  field('PaymentPlanId', int),
  field('Status', AccountStatus),
  field('AccountSizeMB', long),
  field('SignupDateUtc', dateTime),
]);

/** The capabilities not given a route of their own, and where their callers go instead. */
export const REST_NOT_MAPPED: Readonly<Record<string, string>> = {
  CreateAccount: 'obsolete: POST /accounts',
  CreateUltraSafeAccount: 'obsolete: POST /accounts with isUltraSafe',
  ChangeAccountEmail: 'obsolete: PUT /accounts/{username}/email',
  ChangeAccountPassword: "the account holder's own change (needs the current password); partners use POST /accounts/{username}/password",
  GetAccountUsedSpace: 'GET /accounts/{username}/usage (its totalUsedSpaceKB)',
  GetAllAccounts: 'GET /accounts (paginated)',
};

/** The HTTP status of each Result code as a problem answer (RFC 9457). */
export const PROBLEM_STATUS: Readonly<Record<Exclude<ResultCodeName, 'Success'>, number>> = {
  UnexpectedError: 500,
  InvalidInputParameters: 422,
  InvalidSoapCredentials: 401,
  AlreadyExists: 409,
  ObjectEntityMismatch: 403,
  AccountNotFound: 404,
  InvalidAccountCredentials: 403,
  UltraSafeNotSupported: 409,
  AccountLocked: 423,
  InvalidAccountState: 409,
  InvalidToken: 410,
  TooManyRequests: 429,
};

/** The problems of the JSON edge itself, not of an operation: `code` values beside the ResultCodes. */
export const EDGE_PROBLEMS = {
  MalformedJson: { status: 400, title: 'The body is not valid JSON.' },
  NotFound: { status: 404, title: 'No such resource.' },
  MethodNotAllowed: { status: 405, title: 'This method is not allowed on this resource.' },
  PayloadTooLarge: { status: 413, title: 'The body is larger than the service accepts.' },
  UnsupportedMediaType: { status: 415, title: 'The body must be application/json.' },
  ReadOnlyKey: { status: 403, title: 'This API key is read-only: it may only use GET.' },
  IdempotencyKeyMismatch: { status: 422, title: 'This Idempotency-Key was used with a different request.' },
  IdempotencyKeyInProgress: { status: 409, title: 'A request with this Idempotency-Key is still being processed.' },
} as const;
export type EdgeProblemCode = keyof typeof EDGE_PROBLEMS;

/** `AccountSizeMB` → `accountSizeMB`: the JSON name of a contract field. */
export function jsonName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}


/** Example values of JSON properties, by name, for the OpenAPI document. */
export const EXAMPLE_VALUES: Readonly<Record<string, unknown>> = {
  userName: 'jsmith',
  username: 'jsmith',
  fullName: 'John Smith',
  customerName: 'John Smith',
  email: 'jsmith@example.com',
  entityId: 12,
  status: 'Active',
  accountStatus: 'Active',
  isUltraSafe: false,
  accountSizeMB: 51200,
  usedSpaceKB: 1048576,
  backupServerName: 'backup-01',
  licenseKey: 'LK-2026-0001',
  localeCode: 'en-US',
  signupDateUtc: '2026-03-01T09:30:00.000Z',
  cancelDateUtc: null,
  lastSignInUtc: '2026-11-30T18:02:11.000Z',
  emailNotificationsDisabled: false,
  customerTypeCode: 'R',
  paymentPlanId: 1,
  systemName: 'LAPTOP-JS',
  deviceType: 'Windows',
  paymentId: 9001,
  dateUtc: '2026-10-01T00:00:00.000Z',
  amount: '9.99',
  currency: 'USD',
  description: 'Monthly plan',
  token: 'q0W8x1m3cS2Vb6...',
  authToken: 'Zt4pR9...',
  expiresUtc: '2026-12-08T10:00:00.000Z',
  isAppUser: true,
  totalUsedSpaceKB: 1048576,
};
