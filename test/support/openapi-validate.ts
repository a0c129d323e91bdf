/**
 * The OpenAPI document checked by a real validator: @apidevtools/swagger-parser validates it
 * against the OpenAPI 3.1 meta-schema and resolves every $ref (a dangling one fails).
 */
import SwaggerParser from '@apidevtools/swagger-parser';

/** Resolves when the document is a valid OpenAPI 3.1 document; rejects with the validator's message otherwise. */
export async function validateOpenApiDocument(document: object): Promise<void> {
  // The validator dereferences in place: give it a copy so the caller's document keeps its $refs.
  const version = (document as { openapi?: unknown }).openapi;
  if (typeof version !== 'string' || !/^3\.1\.\d+$/.test(version)) throw new Error(`not an OpenAPI 3.1 document: openapi is ${JSON.stringify(version)}`);
  await SwaggerParser.validate(structuredClone(document) as unknown as Parameters<typeof SwaggerParser.validate>[0]);
}
