/**
 * Python zeep (Debian python3-zeep) against a real server: it reads the served WSDL, binds the
 * SOAP 1.1 and then the SOAP 1.2 port, sends the WSDL-declared AuthHeader through
 * `_soapheaders` and runs the partner scenario (zeep_scenario.py). The script only reports what
 * it saw; the assertions are in scenario.ts, and the wire tap checks the SOAP version actually spoken.
 */
import { fileURLToPath } from 'node:url';
import { describeScriptedClient } from './scenario.js';

describeScriptedClient({
  title: 'Python zeep against the served WSDL',
  tag: 'zeep',
  // Debian's interpreter, the one python3-zeep is installed for (a pyenv `python3` may lack it).
  command: '/usr/bin/python3',
  script: fileURLToPath(new URL('./zeep_scenario.py', import.meta.url)),
  testName: (version) => `runs the partner scenario over SOAP ${version}`,
  wsdlFetchMessage: 'zeep read the WSDL from the server',
});
