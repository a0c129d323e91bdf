/**
 * The "Test" section of an operation page. ASMX shows the form only to local callers
 * (DocumentationServerProtocol: IsLoopback || IsLocal) and posts it, form-encoded, to
 * `Service.asmx/<Op>` (HttpPostLocalhost). Because an HTML form cannot send the SOAP
 * AuthHeader, ours has one extra field per AuthHeader member first, named
 * `AuthHeader.<Member>` (SERVICE.md §1).
 */
import { AuthHeader } from '../contract/common-types.js';
import type { Field, Kind } from '../contract/kinds.js';
import type { OperationDefinition } from '../contract/operation.js';
import { escapeAttribute, escapeText } from '../xml/writer.js';

/** The exact ASMX sentence for remote callers. */
export const REMOTE_TEST_SENTENCE = 'The test form is only available for requests from the local machine.';
/** The exact ASMX sentence when a parameter is not a primitive type. */
export const NON_PRIMITIVE_TEST_SENTENCE =
  'The test form is only available for methods with primitive types as parameters.';

/**
 * The partner's own secret is typed into a password input (not shown, not remembered). The
 * operation's fields stay plain text inputs, as on the ASMX form, so a tester sees what is sent.
 */
const isPartnerSecret = (name: string): boolean => /password$/i.test(name);

/** The input control for a field, or undefined if a form cannot carry the kind. */
function control(name: string, kind: Kind, secret: boolean): string | undefined {
  const n = escapeAttribute(name);
  switch (kind.kind) {
    case 'string':
      return secret
        ? `<input class="frmInput" type="password" size="50" name="${n}" autocomplete="off">`
        : `<input class="frmInput" type="text" size="50" name="${n}">`;
    case 'int':
    case 'long':
    case 'decimal':
      return `<input class="frmInput" type="text" size="50" name="${n}">`;
    case 'dateTime':
      return `<input class="frmInput" type="text" size="50" name="${n}" placeholder="2024-05-01T13:45:00Z">`;
    case 'boolean':
      return selectControl(n, ['false', 'true']);
    case 'enum':
      return selectControl(n, kind.values);
    case 'complex':
    case 'array':
      return undefined;
    default: {
      const unknown: never = kind;
      throw new Error(`control: unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

function selectControl(escapedName: string, values: readonly string[]): string {
  const options = values.map((v) => `<option value="${escapeAttribute(v)}">${escapeText(v)}</option>`).join('');
  return `<select class="frmInput" name="${escapedName}">${options}</select>`;
}

function row(label: string, controlHtml: string): string {
  return `<tr><td class="frmText">${escapeText(label)}:</td><td>${controlHtml}</td></tr>\n`;
}

/**
 * The form's rows, or undefined if a request field is not a primitive. The rows do not depend
 * on the request, so they are built once.
 */
function formRows(op: OperationDefinition): string | undefined {
  const fields: readonly (Field & { readonly secret: boolean })[] = [
    ...AuthHeader.fields.map((f) => ({ ...f, name: `${AuthHeader.name}.${f.name}`, secret: isPartnerSecret(f.name) })),
    ...op.request.map((f) => ({ ...f, secret: false })),
  ];
  let rows = '';
  for (const f of fields) {
    const html = control(f.name, f.type, f.secret);
    if (html === undefined) return undefined;
    rows += row(f.name, html);
  }
  return rows;
}

/** Precomputes the Test section; the returned function picks the variant for a request. */
export function compileTestSection(op: OperationDefinition): (path: string, isLocal: boolean) => string {
  const heading = '<h3>Test</h3>\n';
  const remote = `${heading}<p>${escapeText(REMOTE_TEST_SENTENCE)}</p>\n`;
  const rows = formRows(op);
  if (rows === undefined) {
    const unavailable = `${heading}<p>${escapeText(NON_PRIMITIVE_TEST_SENTENCE)}</p>\n`;
    return (_path, isLocal) => (isLocal ? unavailable : remote);
  }
  const intro =
    `${heading}<p>To test the operation using the HTTP POST protocol, click the 'Invoke' button. ` +
    `An HTML form cannot send the SOAP ${escapeText(AuthHeader.name)}, so enter the partner credentials in the ` +
    `${escapeText(AuthHeader.name)} fields.</p>\n`;
  const table =
    '<table cellspacing="0" cellpadding="4">\n' +
    '<tr><td class="frmHeader">Parameter</td><td class="frmHeader">Value</td></tr>\n' +
    rows +
    '<tr><td></td><td align="right"><input type="submit" value="Invoke" class="button"></td></tr>\n' +
    '</table>\n</form>\n';
  return (path, isLocal) => {
    if (!isLocal) return remote;
    const action = escapeAttribute(`${path}/${op.name}`);
    return `${intro}<form action="${action}" method="post" enctype="application/x-www-form-urlencoded">\n${table}`;
  };
}
