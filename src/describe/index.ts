/** Descriptions derived from the contract, built once at boot: WSDL, disco, samples, help pages. */
export { buildWsdl, compileWsdl, PORT_TYPE_NAME, SOAP11_BINDING_NAME, SOAP12_BINDING_NAME } from './wsdl.js';
export { SchemaConflictError } from './schema.js';
export { buildDisco } from './disco.js';
export {
  buildSoapSamples,
  compileSoapSamples,
  SAMPLE_VERSIONS,
  type SampleTarget,
  type SampleVersion,
  type SoapSample,
  type SoapSampleTemplate,
} from './samples.js';
export {
  compileHelpPages,
  renderOperationList,
  renderOperationPage,
  type HelpContext,
  type HelpPages,
} from './help-pages.js';
export { REMOTE_TEST_SENTENCE, NON_PRIMITIVE_TEST_SENTENCE } from './test-form.js';
export { buildOpenApi, compileOpenApi, type OpenApiOptions } from './openapi.js';
export { compileOpenApiPage, renderOpenApiPage, type OpenApiPage, type OpenApiPageOptions } from './openapi-page.js';
