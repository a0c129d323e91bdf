/** The SOAP requests the scenarios send, built like a generated client would. */
import { SERVICE_PATH } from '../../src/contract/common-types.js';
import { escapeText } from '../../src/xml/writer.js';
import { ACCOUNT_PASSWORD, PARTNER, accountName } from './fixture.js';
import type { SoapRequestSpec } from './load.js';

const envelope = (body: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
  `<soap:Header><AuthHeader xmlns="sosonlinebackup.com"><UserName>${PARTNER.user}</UserName><Password>${PARTNER.password}</Password></AuthHeader></soap:Header>` +
  `<soap:Body>${body}</soap:Body></soap:Envelope>`;

export const url = (port: number): string => `http://127.0.0.1:${port}${SERVICE_PATH}`;

const getAccountInfoBody = (account: number): string =>
  envelope(`<GetAccountInfo xmlns="sosonlinebackup.com"><userName>${accountName(account)}</userName></GetAccountInfo>`);

/** GetAccountInfo for one account, or — given `accounts` — for each of them in turn. */
export function getAccountInfo(port: number, account = 1, accounts?: readonly number[]): SoapRequestSpec {
  return {
    url: url(port),
    soapAction: '"sosonlinebackup.com/GetAccountInfo"',
    body: getAccountInfoBody(account),
    ...(accounts ? { bodies: accounts.map(getAccountInfoBody) } : {}),
  };
}

/** `count` account numbers below `of`, spread by a fixed seed (the same in every run). */
export function spreadAccounts(count: number, of: number): number[] {
  if (count >= of) return Array.from({ length: of }, (_, i) => i);
  const picked = new Set<number>();
  let state = 0x2545f491;
  while (picked.size < count) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    picked.add(state % of);
  }
  return [...picked];
}

const authenticateBody = (account: number): string =>
  envelope(
    `<Authenticate xmlns="sosonlinebackup.com"><userName>${accountName(account)}</userName><password>${escapeText(ACCOUNT_PASSWORD)}</password></Authenticate>`,
  );

/**
 * Authenticate one account, or — given `accounts` — each in turn. A flood must spread over
 * accounts: since issue 14 at most AMS_LOCKOUT_MAX_FAILURES (10) checks of one account are in
 * flight at once, and the rest answer AccountLocked unhashed (fast, and not what is measured).
 */
export function authenticate(port: number, account = 1, accounts?: readonly number[]): SoapRequestSpec {
  return {
    url: url(port),
    soapAction: '"sosonlinebackup.com/Authenticate"',
    body: authenticateBody(account),
    ...(accounts ? { bodies: accounts.map(authenticateBody) } : {}),
  };
}

export function changeBackupAccountPassword(port: number, account = 1): SoapRequestSpec {
  return {
    url: url(port),
    soapAction: '"sosonlinebackup.com/ChangeBackupAccountPassword"',
    body: envelope(
      `<ChangeBackupAccountPassword xmlns="sosonlinebackup.com"><request><Username>${accountName(account)}</Username>` +
        `<NewPassword>${escapeText(ACCOUNT_PASSWORD)}</NewPassword><SendEmailToCustomer>false</SendEmailToCustomer></request></ChangeBackupAccountPassword>`,
    ),
  };
}
