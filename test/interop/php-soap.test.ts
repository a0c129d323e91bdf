/**
 * PHP's SoapClient (Debian php-soap) against a real server: it reads the served WSDL (no WSDL
 * cache), sends the AuthHeader as a SoapHeader and runs the partner scenario
 * (php_scenario.php) with SOAP_1_1 and with SOAP_1_2. The script only reports what it saw; the
 * assertions are in scenario.ts, and the wire tap checks the SOAP version actually spoken.
 */
import { fileURLToPath } from 'node:url';
import { describeScriptedClient } from './scenario.js';

describeScriptedClient({
  title: 'PHP SoapClient against the served WSDL',
  tag: 'php',
  command: 'php',
  script: fileURLToPath(new URL('./php_scenario.php', import.meta.url)),
  testName: (version) => `runs the partner scenario with SOAP_${version.replace('.', '_')}`,
  wsdlFetchMessage: 'SoapClient read the WSDL from the server, not from a cache',
});
