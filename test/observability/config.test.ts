/**
 * Settings declared once (name, type, default, description) and the loader agreeing with the
 * declaration; one clear message and exit status 2 for a bad value; `ams config` with secrets
 * masked; the version on `ams --version`, the help output and the help pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, SETTINGS, loadConfig } from '../../src/config/config.js';
import { MASK, maskUrl, unknownSettings } from '../../src/config/effective.js';
import { AMS_VERSION } from '../../src/observability/version.js';
import { listenTestApp, seededTemplate, startTestApp } from '../support/harness.js';
import { SERVICE_PATH } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function ams(env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AMS_') || k.startsWith('AMS_TEST_')));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/cli/run-cli.ts'), ...args], { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('settings declaration', () => {
  it('declares every setting once, with a type, a default and a description', () => {
    const names = SETTINGS.map((s) => s.env);
    assert.equal(new Set(names).size, names.length, 'no setting twice');
    for (const s of SETTINGS) {
      assert.match(s.env, /^AMS_[A-Z0-9_]+$/);
      assert.ok(s.type, `${s.env} has a type`);
      assert.ok(s.default !== '', `${s.env} has a default`);
      assert.ok(s.description.length > 10, `${s.env} has a description`);
    }
    for (const name of ['AMS_LOG_LEVEL', 'AMS_LOG_FORMAT', 'AMS_METRICS_PORT', 'AMS_METRICS_HOST', 'AMS_PUBLIC_URL']) assert.ok(names.includes(name), name);
  });

  it('states the defaults the loader uses', () => {
    const defaults = loadConfig({});
    for (const s of SETTINGS.filter((x) => !x.default.startsWith('('))) {
      assert.deepEqual(loadConfig({ [s.env]: s.default }), defaults, `${s.env}=${s.default} is not what an unset ${s.env} gives`);
    }
    assert.equal(defaults.metricsPort, null, 'metrics off by default');
    assert.equal(defaults.logFormat, 'auto');
  });

  it('refuses each badly typed value with one message naming the variable and what it expects', () => {
    let checked = 0;
    for (const s of SETTINGS) {
      const type = s.type;
      if (type.kind === 'integer') {
        const expects = `${s.env} must be a whole number from ${type.min} to ${type.max}`;
        assert.equal(refusal({ [s.env]: 'lots' }), `${expects}, got "lots"`);
        assert.equal(refusal({ [s.env]: '-1' }), `${expects}, got "-1"`);
        if (type.min > 0) assert.equal(refusal({ [s.env]: String(type.min - 1) }), `${expects}, got ${type.min - 1}`);
        if (type.max < Number.MAX_SAFE_INTEGER) assert.equal(refusal({ [s.env]: String(type.max + 1) }), `${expects}, got ${type.max + 1}`);
        checked++;
      } else if (type.kind === 'enum') {
        const message = refusal({ [s.env]: 'bogus' });
        assert.ok(message.startsWith(`${s.env} must be `), message);
        for (const v of type.values) assert.ok(message.includes(v), `${message} names ${v}`);
        assert.ok(message.endsWith('got "bogus"'), message);
        checked++;
      } else if (type.kind === 'boolean') {
        assert.equal(refusal({ [s.env]: 'maybe' }), `${s.env} must be true or false, got "maybe"`);
        checked++;
      }
    }
    assert.ok(checked >= 30, `${checked} settings checked`);
    assert.equal(refusal({ AMS_PASSWORD_MIN_LENGTH: '20', AMS_PASSWORD_MAX_LENGTH: '19' }), 'AMS_PASSWORD_MIN_LENGTH must not exceed AMS_PASSWORD_MAX_LENGTH');
    assert.equal(
      refusal({ AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS: '48', AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS: '24' }),
      'AMS_CREATING_ACCOUNT_TOKEN_DEFAULT_HOURS must not exceed AMS_CREATING_ACCOUNT_TOKEN_MAX_HOURS',
    );
    assert.match(refusal({ AMS_PUBLIC_URL: 'api.example.com' }), /^AMS_PUBLIC_URL must be an http\(s\) URL/);
    assert.match(refusal({ AMS_SMTP_URL: 'http://mail' }), /^AMS_SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    assert.match(refusal({ AMS_DATABASE_URL: 'mysql://u:p@db/ams' }), /^AMS_DATABASE_URL must be a SQLite file path, sqlite:PATH or postgres:\/\/.*got a mysql:\/\/ URL$/);
    assert.doesNotMatch(refusal({ AMS_DATABASE_URL: 'mysql://u:db-pass@db/ams' }), /db-pass/, 'the message never repeats a password');
  });

  it('masks passwords in URLs and spots unknown AMS_ variables', () => {
    assert.equal(maskUrl('postgres://ams:s3cr%2Ft@db:5432/ams?sslmode=require'), `postgres://ams:${MASK}@db:5432/ams?sslmode=require`);
    assert.equal(maskUrl('postgres://db/ams?user=ams&password=pw1&sslmode=require'), `postgres://db/ams?user=ams&password=${MASK}&sslmode=require`);
    assert.equal(maskUrl('smtp://relay.internal:25'), 'smtp://relay.internal:25');
    assert.deepEqual(unknownSettings({ AMS_PORT: '1', AMS_PROT: '2', AMS_TEST_DATABASE_URL: 'x', HOME: '/' }), ['AMS_PROT']);
  });
});

describe('ams config, ams --version', () => {
  it('prints every setting in force with its source, secrets masked, and warns of unknown variables', () => {
    const secrets = { db: 'db-pass-8812', smtp: 'smtp-pass-9913', bootstrap: 'bootstrap-pass-7714' };
    const r = ams(
      {
        AMS_DATABASE_URL: `postgres://ams:${secrets.db}@db.internal:5432/ams`,
        AMS_SMTP_URL: `smtp://ams%40example.com:${secrets.smtp}@mail.example.com:587`,
        AMS_BOOTSTRAP_USERNAME: 'admin',
        AMS_BOOTSTRAP_PASSWORD: secrets.bootstrap,
        AMS_PORT: '8081',
        AMS_PROT: '9',
      },
      'config',
    );
    assert.equal(r.status, 0, r.stderr);
    for (const s of Object.values(secrets)) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `${s} printed`);
    const rows = new Map(r.stdout.trimEnd().split('\n').map((l) => [l.split(/\s+/)[0], l.trimEnd()]));
    assert.equal(rows.size, SETTINGS.length + 1, 'one line per setting, and the mode');
    assert.equal(rows.get('mode:'), 'mode: production');
    assert.match(rows.get('AMS_DATABASE_URL') ?? '', new RegExp(`postgres://ams:\\*{8}@db\\.internal:5432/ams\\s+environment$`));
    assert.match(rows.get('AMS_SMTP_URL') ?? '', /smtp:\/\/ams%40example\.com:\*{8}@mail\.example\.com:587\s+environment$/);
    assert.match(rows.get('AMS_BOOTSTRAP_PASSWORD') ?? '', /\*{8}\s+environment$/);
    assert.match(rows.get('AMS_BOOTSTRAP_USERNAME') ?? '', /admin\s+environment$/);
    assert.match(rows.get('AMS_PORT') ?? '', /8081\s+environment$/);
    assert.match(rows.get('AMS_HOST') ?? '', /0\.0\.0\.0\s+default$/);
    assert.match(rows.get('AMS_METRICS_PORT') ?? '', /\(unset: no metrics\)\s+default$/);
    assert.equal(r.stderr, 'warning: AMS_PROT is not a setting of AMS and is ignored (a typo?)\n');
  });

  it('refuses a bad value with exit status 2, as ams serve does', () => {
    const r = ams({ AMS_METRICS_PORT: '99999' }, 'config');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'ams: invalid configuration: AMS_METRICS_PORT must be a whole number from 0 to 65535, got 99999\n');
    assert.equal(r.stdout, '');
  });

  it('prints the version of package.json: ams --version, ams version, the foot of ams help', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(AMS_VERSION, pkg.version);
    assert.equal(ams({}, '--version').stdout, `ams ${pkg.version}\n`);
    assert.equal(ams({}, 'version').stdout, `ams ${pkg.version}\n`);
    const help = ams({}, 'help');
    assert.equal(help.status, 0);
    assert.ok(help.stdout.trimEnd().endsWith(`ams ${pkg.version}`), 'version on the last line');
    assert.match(help.stdout, /AMS_METRICS_PORT\s+whole number 0–65535; default: \(unset: no metrics\)/);
  });

  it('shows the version at the foot of the help pages', async () => {
    const t = await startTestApp({ template: await seededTemplate() });
    const server = await listenTestApp(t);
    try {
      for (const page of [SERVICE_PATH, `${SERVICE_PATH}?op=GetAccountInfo`]) {
        const html = await (await fetch(`http://127.0.0.1:${server.port}${page}`)).text();
        assert.ok(html.includes(`<p class="footer">AMS ${AMS_VERSION}</p>\n</div>`), page);
      }
    } finally {
      await server.close();
      await t.close();
    }
  });
});
