// A GetAllAccounts client in its own process, reading as fast as the kernel hands it bytes and
// keeping nothing: what a partner's client on a fast link does. It prints `first` at the first
// byte of the body and `end <bytes> <items>` at its end, so a test can see when each list
// started and finished in the server's terms, not in the terms of its own busy event loop.
// argv: <url> <content-type> <soap-action or ''> <body>
import { Buffer } from 'node:buffer';
import http from 'node:http';
import process from 'node:process';

const [url, contentType, soapAction, body] = process.argv.slice(2);
const headers = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) };
if (soapAction) headers.SOAPAction = soapAction;
const req = http.request(url, { method: 'POST', agent: false, headers });
req.on('error', (error) => {
  process.stdout.write(`error ${error.message}\n`);
  process.exit(1);
});
req.on('response', (res) => {
  let bytes = 0;
  let items = 0;
  let carry = '';
  res.setEncoding('utf8');
  res.on('data', (text) => {
    if (bytes === 0) process.stdout.write('first\n');
    bytes += Buffer.byteLength(text);
    const window = carry + text;
    items += window.split('<GetAllAccountsItem>').length - 1;
    carry = window.slice(-('<GetAllAccountsItem>'.length - 1));
  });
  res.on('end', () => process.stdout.write(`end ${bytes} ${items}\n`));
});
req.end(body);
