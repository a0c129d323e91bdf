/**
 * The peer: the npm `soap` server serving AMS's own WSDL, with an equivalent in-memory
 * GetAccountInfo (the same AuthHeader check by plain comparison, the same account record).
 * It does less than AMS (no database, no Argon2 memo), which is the point of a protocol
 * comparison: it measures SOAP handling.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import soap from 'soap';
import { OPERATIONS } from '../../src/contract/index.js';
import { compileWsdl } from '../../src/describe/index.js';
import { SERVICE_PATH } from '../../src/contract/common-types.js';
import { PARTNER } from '../lib/fixture.js';

const ACCOUNT = {
  UserName: 'user0000001',
  FullName: 'Bench User 1',
  Email: '',
  EntityId: 1,
  Status: 'Active',
  IsUltraSafe: false,
  AccountSizeMB: 10240,
  UsedSpaceKB: 1,
  BackupServerName: 'backup-01',
  LicenseKey: '',
  LocaleCode: 'en-US',
  SignupDateUtc: new Date('2026-01-01T00:00:00Z'),
  CancelDateUtc: null,
  LastSignInUtc: null,
  EmailNotificationsDisabled: true,
};

interface AuthHeaders {
  AuthHeader?: { UserName?: string; Password?: string };
}

function getAccountInfo(args: { userName?: string }, _cb: unknown, headers: AuthHeaders) {
  const auth = headers?.AuthHeader;
  if (auth?.UserName !== PARTNER.user || auth?.Password !== PARTNER.password) {
    return { GetAccountInfoResult: { Result: 3, Code: 'InvalidSoapCredentials', Message: '' }, accountInfo: undefined };
  }
  if (args.userName !== ACCOUNT.UserName) return { GetAccountInfoResult: { Result: 100, Code: 'AccountNotFound', Message: '' } };
  return { GetAccountInfoResult: { Result: 0, Code: 'Success', Message: '' }, accountInfo: ACCOUNT };
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
