/**
 * The ResultCode catalogue (SERVICE.md §3). Numbers are permanent: never renumber or reuse
 * one; a new code takes the next free number >= 100. The drift test checks that every code
 * here is documented on the help pages and in the WSDL enumeration.
 */
export const RESULT_CODES = [
  { code: 0, name: 'Success', meaning: 'Done.' },
  { code: 1, name: 'UnexpectedError', meaning: 'Internal failure; nothing was changed.' },
  { code: 2, name: 'InvalidInputParameters', meaning: 'A field is missing or invalid; Message names it.' },
  { code: 3, name: 'InvalidSoapCredentials', meaning: 'AuthHeader missing or wrong.' },
  { code: 52, name: 'AlreadyExists', meaning: 'User name already taken.' },
  {
    code: 53,
    name: 'ObjectEntityMismatch',
    meaning: "Target entity/account is outside the caller's tree, or the entity is inactive.",
  },
  { code: 100, name: 'AccountNotFound', meaning: 'No backup account with that user name.' },
  { code: 101, name: 'InvalidAccountCredentials', meaning: 'Backup account user name/password wrong.' },
  {
    code: 102,
    name: 'UltraSafeNotSupported',
    meaning: 'Not possible for an UltraSafe account (its key is derived from the password).',
  },
  {
    code: 103,
    name: 'AccountLocked',
    meaning: 'Too many failed sign-ins; try later or have the partner reset the password.',
  },
  { code: 104, name: 'InvalidAccountState', meaning: "Not allowed in the account's current status (e.g. Cancelled)." },
  { code: 105, name: 'InvalidToken', meaning: 'Token unknown, expired or already used.' },
  { code: 106, name: 'TooManyRequests', meaning: 'The caller exceeded its request rate.' },
] as const;

export type ResultCodeName = (typeof RESULT_CODES)[number]['name'];

export const RESULT_CODE_NAMES = RESULT_CODES.map((c) => c.name) as unknown as readonly [
  ResultCodeName,
  ...ResultCodeName[],
];

const NUMBER_BY_NAME: ReadonlyMap<ResultCodeName, number> = new Map(RESULT_CODES.map((c) => [c.name, c.code]));

export function resultNumber(name: ResultCodeName): number {
  const n = NUMBER_BY_NAME.get(name);
  if (n === undefined) throw new Error(`unknown result code ${name}`);
  return n;
}
