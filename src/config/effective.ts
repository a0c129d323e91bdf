/**
 * `ams config`: the configuration in force, each setting with its value and where it came
 * from, secrets masked. Only after loadConfig accepted the environment is this printed, so
 * what it shows is what `ams serve` would run with.
 */
import { SETTINGS, type Setting } from './config.js';

type Env = Readonly<Record<string, string | undefined>>;

export const MASK = '********';

/** The password of a URL (`scheme://user:password@host`) and password-like query parameters. */
export function maskUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[^@/?#]*@/i, `$1:${MASK}@`)
    .replace(/([?&](?:password|pass|secret|sslpassword)=)[^&#]*/gi, `$1${MASK}`);
}

export function maskSetting(setting: Pick<Setting, 'secret'>, value: string): string {
  if (setting.secret === 'value') return MASK;
  if (setting.secret === 'url') return maskUrl(value);
  return value;
}

export interface EffectiveSetting {
  readonly env: string;
  /** Masked where secret; the declared default (possibly a description in parentheses) when unset. */
  readonly value: string;
  readonly source: 'environment' | 'default';
}

export function effectiveSettings(env: Env): EffectiveSetting[] {
  return SETTINGS.map((s) => {
    const raw = env[s.env]?.trim();
    return raw === undefined || raw === '' ? { env: s.env, value: s.default, source: 'default' } : { env: s.env, value: maskSetting(s, raw), source: 'environment' };
  });
}

/** `AMS_*` variables that are no setting (a typo, or one from another version); test variables aside. */
export function unknownSettings(env: Env): string[] {
  const known = new Set(SETTINGS.map((s) => s.env));
  return Object.keys(env)
    .filter((k) => k.startsWith('AMS_') && !k.startsWith('AMS_TEST_') && !known.has(k))
    .sort();
}

export function formatEffectiveConfig(env: Env): string {
  const rows = effectiveSettings(env);
  const nameWidth = Math.max(...rows.map((r) => r.env.length));
  const valueWidth = Math.min(60, Math.max(...rows.map((r) => r.value.length)));
  return `${rows.map((r) => `${r.env.padEnd(nameWidth)}  ${r.value.padEnd(valueWidth)}  ${r.source}`).join('\n')}\n`;
}
