import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
const doc = JSON.parse(readFileSync('test/golden/openapi.json','utf8'));
try { const r = await SwaggerParser.validate(structuredClone(doc)); console.log('valid', Object.keys(r.paths ?? {}).length); } catch (e) { console.log('INVALID', (e as Error).message.slice(0,2000)); }
