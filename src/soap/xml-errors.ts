/**
 * The text ASMX puts after "Server was unable to process request. --->" when the XmlReader
 * fails while the request is being routed by its body (issue 15 item 2): the XmlException's
 * message, as System.Xml words it (System.Xml.txt) for the cases a client meets in practice,
 * with " Line l, position p." where .NET adds it (an end tag that does not match its start tag, an
 * undeclared prefix and a duplicate attribute included). Other syntax errors keep this reader's own
 * wording, in the same shape.
 */
import type { XmlSyntaxError } from '../xml/reader.js';

export function xmlExceptionMessage(err: XmlSyntaxError): string {
  const partial = err.partial;
  const position = partial ? ` Line ${partial.line}, position ${partial.column}.` : '';
  const mismatch = err.mismatch;
  if (mismatch && partial?.openTagLine !== undefined && partial.openTagColumn !== undefined) {
    // Xml_TagMismatchEx, reported at the end tag's name.
    return `The '${mismatch.expected}' start tag on line ${partial.openTagLine} position ${partial.openTagColumn} does not match the end tag of '${mismatch.found}'.${position}`;
  }
  switch (err.message) {
    case 'Root element is missing.':
      return 'Root element is missing.'; // Xml_MissingRoot, thrown without line information
    case 'Text data outside of the root element.':
      // Xml_InvalidRootData: text (or a CDATA section) where the root element should start.
      return `Data at the root level is invalid.${position}`;
    case 'For security reasons DTD is prohibited in this XML document.':
      // Xml_DtdIsProhibited: ASMX's XmlTextReader is the v1-compatible one, without the "Ex" advice.
      return 'DTD is prohibited in this XML document.';
    case 'Unexpected end of the document.': {
      const open = partial?.openNames ?? [];
      if (open.length === 0) return `Unexpected end of file has occurred.${position}`;
      // Xml_UnexpectedEOFInElementContent lists the open elements innermost first.
      return `Unexpected end of file has occurred. The following elements are not closed: ${[...open].reverse().join(', ')}.${position}`;
    }
    default: {
      const unbound = /^Unbound namespace prefix: (.*)\.$/.exec(err.message);
      if (unbound) return `'${unbound[1]}' is an undeclared prefix.${position}`; // Xml_UnknownNs
      const duplicate = /^Duplicate attribute: (.*)\.$/.exec(err.message);
      if (duplicate) return `'${duplicate[1]}' is a duplicate attribute name.${position}`; // Xml_DupAttributeName
      return `${err.message}${position}`;
    }
  }
}
