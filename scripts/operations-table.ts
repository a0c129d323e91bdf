// Prints the README's operation table from the one declaration of each operation in src/contract.
import { OPERATIONS } from '../src/contract/index.js';

export function operationsTable(): string {
  const rows = OPERATIONS.map((op) => {
    const mark = op.extension ? ' *(extension)*' : op.obsolete ? ' *(obsolete)*' : '';
    return `| ${op.name}${mark} | ${op.style} | ${op.description} |`;
  });
  return ['| operation | style | what it does |', '| --- | --- | --- |', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(operationsTable());
