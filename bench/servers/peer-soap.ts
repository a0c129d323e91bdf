/**
 * The peer: the npm `soap` server serving AMS's own WSDL, with an equivalent in-memory
 * GetAccountInfo (the same AuthHeader check by plain comparison, the same account record).
 * It does less than AMS (no database, no Argon2 memo), which is the point of a protocol
 * comparison: it measures SOAP handling. Its accounts are a Map of the same records AMS's
 * bench database holds, so both answer the same rotating requests with the same data.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import soap from 'soap';
import { OPERATIONS } from '../../src/contract/index.js';
import { compileWsdl } from '../../src/describe/index.js';
import { SERVICE_PATH } from '../../src/contract/common-types.js';
import { PARTNER, accountName } from '../lib/fixture.js';

/** argv: <number of accounts>, the same accounts AMS's bench database holds (lib/fixture.ts). */
const ACCOUNT_COUNT = Number(process.argv[2] ?? '1000');

const accountRecord = (i: number) => ({
  UserName: accountName(i),
  FullName: `Bench User ${i}`,
  Email: '',
  EntityId: 1,
  Status: 'Active',
  IsUltraSafe: false,
  AccountSizeMB: 10240,
  UsedSpaceKB: i,
  BackupServerName: 'backup-01',
  LicenseKey: '',
  LocaleCode: 'en-US',
  SignupDateUtc: new Date('2026-01-01T00:00:00Z'),
  CancelDateUtc: null,
  LastSignInUtc: null,
  EmailNotificationsDisabled: true,
});
const ACCOUNTS = new Map(Array.from({ length: ACCOUNT_COUNT }, (_, i) => [accountName(i), accountRecord(i)] as const));

interface AuthHeaders {
  AuthHeader?: { UserName?: string; Password?: string };
}

function getAccountInfo(args: { userName?: string }, _cb: unknown, headers: AuthHeaders) {
  const auth = headers?.AuthHeader;
  if (auth?.UserName !== PARTNER.user || auth?.Password !== PARTNER.password) {
    return { GetAccountInfoResult: { Result: 3, Code: 'InvalidSoapCredentials', Message: '' }, accountInfo: undefined };
  }
  const account = ACCOUNTS.get(args.userName ?? '');
  if (!account) return { GetAccountInfoResult: { Result: 100, Code: 'AccountNotFound', Message: '' } };
  return { GetAccountInfoResult: { Result: 0, Code: 'Success', Message: '' }, accountInfo: account };
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  const wsdl = compileWsdl(OPERATIONS)(`http://127.0.0.1:${port}${SERVICE_PATH}`);
  const ports = { GetAccountInfo: getAccountInfo };
  soap.listen(server, {
    path: SERVICE_PATH,
    services: { AccountManagementService: { AccountManagementServiceSoap: ports, AccountManagementServiceSoap12: ports } },
    xml: wsdl,
  });
  process.send?.({ port });
});
