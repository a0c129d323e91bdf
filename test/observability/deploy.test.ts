/**
 * deploy/ as an operator would use it: the env file is a valid configuration naming only real
 * settings, the systemd unit and the nginx configuration agree with it, and — where nginx is
 * installed — nginx run with deploy/nginx.conf (ports and certificate swapped for test ones) in
 * front of a real AMS: TLS ends at nginx, the WSDL advertises AMS_PUBLIC_URL, the test form is
 * never offered through the proxy, oversized bodies stop at nginx.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, loadConfig } from '../../src/config/config.js';
import { RESELLER_A_SECRET, listenTestApp, seededTemplate, startTestApp } from '../support/harness.js';
import { selfSignedCertificate } from '../mail/self-signed.js';
import { envelope, operationBody } from '../support/envelope.js';
import { SERVICE_PATH, parseLogLines } from './support.js';
import { waitFor } from '../support/wait-for.js';

const DEPLOY = path.resolve(import.meta.dirname, '../../deploy');
const read = (name: string): string => fs.readFileSync(path.join(DEPLOY, name), 'utf8');

/** KEY=value lines as systemd's EnvironmentFile (and a shell) read them; `#` lines are comments. */
function parseEnvFile(text: string, includeCommented = false): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = includeCommented ? raw.replace(/^#(?=AMS_)/, '') : raw;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const value = m[2]!;
    env[m[1]!] = /^".*"$/.test(value) ? value.slice(1, -1) : value;
  }
  return env;
}

function directive(unit: string, name: string): string[] {
  return [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);
}

describe('deploy/', () => {
  it('ams.env.example is a valid configuration of real settings, for AMS behind nginx', () => {
    const known = new Set(SETTINGS.map((s) => s.env));
    const all = parseEnvFile(read('ams.env.example'), true);
    for (const name of Object.keys(all)) assert.ok(known.has(name), `${name} is not a setting`);
    const env = parseEnvFile(read('ams.env.example'));
    const config = loadConfig(env);
    assert.equal(config.publicUrl, 'https://backup-api.example.com');
    assert.equal(config.host, '127.0.0.1', 'only the proxy reaches AMS');
    assert.deepEqual(config.trustedProxies, ['127.0.0.1']);
    assert.equal(config.metricsHost, '127.0.0.1');
    assert.equal(config.logFormat, 'json', 'the journal gets JSON');
    // The commented alternatives are valid too.
    loadConfig({ ...env, ...Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('AMS_DATABASE_') || k === 'AMS_SMTP_URL')) });
  });

  it('ams.service runs as a dedicated user from the env file, restarts on failure (not on a bad configuration), drains on SIGTERM, and is locked down', () => {
    const unit = read('ams.service');
    const one = (name: string) => {
      const values = directive(unit, name);
      assert.equal(values.length, 1, `${name}= once`);
      return values[0]!;
    };
    assert.equal(one('User'), 'ams');
    assert.equal(one('EnvironmentFile'), '/etc/ams/ams.env');
    assert.match(one('ExecStart'), /\/bin\/ams\.js serve$/);
    assert.equal(one('Restart'), 'on-failure');
    assert.equal(one('RestartPreventExitStatus'), '2', 'exit status 2 is a configuration error');
    assert.equal(one('KillSignal'), 'SIGTERM');
    const shutdownMs = loadConfig({}).shutdownTimeoutMs;
    assert.ok(Number(one('TimeoutStopSec')) * 1000 > shutdownMs, 'systemd waits longer than AMS drains');
    for (const [name, value] of [
      ['NoNewPrivileges', 'true'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'true'],
      ['PrivateTmp', 'true'],
    ]) assert.equal(one(name!), value, name);
    const writable = one('ReadWritePaths');
    const env = parseEnvFile(read('ams.env.example'));
    for (const p of [env.AMS_DATABASE_URL!, env.AMS_MAIL_PICKUP_DIR!]) assert.ok(p.startsWith(`${writable}/`), `${p} is writable under ProtectSystem=strict`);
    const analyze = spawnSync('systemd-analyze', ['verify', path.join(DEPLOY, 'ams.service')], { encoding: 'utf8' });
    if (analyze.error === undefined) assert.equal(analyze.stderr.replace(/.*(ams\.service: Command \/usr\/bin\/node is not executable|User .ams. not found).*\n?/g, ''), '', 'systemd-analyze verify');
  });

  it('nginx.conf ends TLS, proxies to the env file’s address, caps bodies at AMS_MAX_BODY_BYTES and sets X-Forwarded-For', () => {
    const conf = read('nginx.conf');
    const env = parseEnvFile(read('ams.env.example'));
    assert.ok(conf.includes(`server ${env.AMS_HOST}:${env.AMS_PORT};`));
    assert.match(conf, /^\s*listen 443 ssl;/m);
    assert.match(conf, /^\s*client_max_body_size 4m;/m);
    assert.equal(4 * 1024 * 1024, loadConfig({}).maxBodyBytes);
    assert.match(conf, /proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    assert.ok(conf.includes(`server_name ${new URL(env.AMS_PUBLIC_URL!).hostname};`));
  });
});

const NGINX = ['nginx', '/usr/sbin/nginx'].find((bin) => spawnSync(bin, ['-v'], { encoding: 'utf8' }).error === undefined);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function httpsRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, servername: 'backup-api.example.com', rejectUnauthorized: false, method: options.method ?? 'GET', path: options.path, headers: { Host: 'backup-api.example.com', ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('deploy/nginx.conf in front of AMS', { skip: NGINX ? false : 'nginx is not installed (scripts/ensure-test-tools.sh installs nginx-light)' }, () => {
  it('terminates TLS, advertises AMS_PUBLIC_URL, never offers the test form, passes the request id, stops big bodies', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ams-nginx-'));
    fs.chmodSync(dir, 0o755);
    const t = await startTestApp({ template: await seededTemplate(), env: { AMS_PUBLIC_URL: 'https://backup-api.example.com', AMS_TRUSTED_PROXIES: '127.0.0.1' } });
    const ams = await listenTestApp(t);
    const [tlsPort, httpPort] = [await freePort(), await freePort()];
    const { cert, key } = selfSignedCertificate('backup-api.example.com');
    fs.writeFileSync(path.join(dir, 'cert.pem'), cert);
    fs.writeFileSync(path.join(dir, 'key.pem'), key);
    const site = read('nginx.conf')
      .replace(/^\s*listen \[::\].*$/gm, '')
      .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 443 ssl;', `listen 127.0.0.1:${tlsPort} ssl;`)
      .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${ams.port};`)
      .replace(/ssl_certificate .*;/, `ssl_certificate ${dir}/cert.pem;`)
      .replace(/ssl_certificate_key .*;/, `ssl_certificate_key ${dir}/key.pem;`)
      .replace(/access_log \S+ ams;/, `access_log ${dir}/access.log ams;`);
    for (const temp of ['client_body', 'proxy']) fs.mkdirSync(path.join(dir, temp), { mode: 0o777 });
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `${process.getuid?.() === 0 ? 'user root;\n' : ''}pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n` +
        `client_body_temp_path ${dir}/client_body;\nproxy_temp_path ${dir}/proxy;\nfastcgi_temp_path ${dir}/proxy;\nuwsgi_temp_path ${dir}/proxy;\nscgi_temp_path ${dir}/proxy;\n` +
        `${site}\n}\n`,
    );
    const check = spawnSync(NGINX!, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const proxy = spawn(NGINX!, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    try {
      await waitFor(async () => (await httpsRequest(tlsPort, { path: '/healthz' }).catch(() => ({ status: 0 }))).status === 200, 10_000, 'nginx');

      const wsdl = await httpsRequest(tlsPort, { path: `${SERVICE_PATH}?WSDL` });
      assert.equal(wsdl.status, 200);
      assert.match(wsdl.body, new RegExp(`<soap:address location="https://backup-api.example.com${SERVICE_PATH}" />`));

      const page = await httpsRequest(tlsPort, { path: `${SERVICE_PATH}?op=ChangeBackupAccountPassword` });
      assert.match(page.body, /The test form is only available for requests from the local machine\./);
      assert.doesNotMatch(page.body, /<form/);
      const form = await httpsRequest(tlsPort, {
        method: 'POST',
        path: `${SERVICE_PATH}/ChangeBackupAccountPassword`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `Username=alice&NewPassword=through-proxy-1&SendEmailToCustomer=false&AuthHeader.UserName=reseller-a&AuthHeader.Password=${RESELLER_A_SECRET}`,
      });
      assert.equal(form.status, 500, 'the form post is refused through the proxy');

      const call = await httpsRequest(tlsPort, {
        method: 'POST',
        path: SERVICE_PATH,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"sosonlinebackup.com/GetAccountInfo"' },
        body: envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), { user: 'reseller-a', password: RESELLER_A_SECRET }),
      });
      assert.equal(call.status, 200);
      assert.match(call.body, /<Code>Success<\/Code>/);
      const requestId = String(call.headers['x-request-id']);
      assert.match(requestId, /^[0-9a-f]{32}$/, 'nginx’s $request_id, passed on to AMS');
      const line = parseLogLines(t.logLines).find((e) => e.requestId === requestId && e.msg === 'request');
      assert.equal(line?.result, 'Success');
      await waitFor(() => fs.readFileSync(path.join(dir, 'access.log'), 'utf8').includes(`rid=${requestId}`), 5000, 'the same id in nginx’s log');

      const big = await httpsRequest(tlsPort, { method: 'POST', path: SERVICE_PATH, headers: { 'Content-Type': 'text/xml' }, body: Buffer.alloc(5 * 1024 * 1024, 0x61) });
      assert.equal(big.status, 413);
      assert.match(String(big.headers['server']), /nginx/, 'refused by nginx, before AMS');

      const redirect = await fetch(`http://127.0.0.1:${httpPort}${SERVICE_PATH}?WSDL`, { redirect: 'manual', headers: { Host: 'backup-api.example.com' } });
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.get('location'), `https://backup-api.example.com${SERVICE_PATH}?WSDL`);
    } finally {
      proxy.kill('SIGTERM');
      await new Promise((resolve) => proxy.once('exit', resolve));
      await ams.close();
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
