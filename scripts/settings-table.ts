// Prints the settings table of docs/configuration.md from the one declaration in src/config/config.ts.
import { describeType, SETTINGS } from '../src/config/config.js';

export function settingsTable(): string {
  const rows = SETTINGS.map(
    (s) => `| \`${s.env}\` | ${describeType(s.type)} | ${s.default.startsWith('(') ? s.default : `\`${s.default}\``} | ${s.description} |`,
  );
  return ['| variable | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(settingsTable());
