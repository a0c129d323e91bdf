/**
 * The page shell of the help pages, in the look of ASMX's DefaultWsdlHelpGenerator.aspx:
 * Verdana, a dark-blue title bar, beige sample blocks. Self-contained: inline CSS, no scripts,
 * no external resources.
 */
import { escapeAttribute, escapeText } from '../xml/writer.js';

export const HELP_PAGE_STYLE = `
body { color: #000000; background-color: white; font-family: Verdana, sans-serif; margin-left: 0px; margin-top: 0px; }
#content { margin-left: 30px; font-size: .70em; padding-bottom: 2em; }
a:link { color: #336699; font-weight: bold; text-decoration: underline; }
a:visited { color: #6699cc; font-weight: bold; text-decoration: underline; }
a:active { color: #336699; font-weight: bold; text-decoration: underline; }
a:hover { color: #cc3300; font-weight: bold; text-decoration: underline; }
p { color: #000000; margin-top: 0px; margin-bottom: 12px; font-family: Verdana, sans-serif; }
pre { background-color: #e5e5cc; padding: 5px; font-family: "Courier New", monospace; font-size: x-small; margin-top: -5px; border: 1px #f0f0e0 solid; white-space: pre-wrap; }
td, th { color: #000000; font-family: Verdana, sans-serif; font-size: 1em; text-align: left; vertical-align: top; padding: 2px 8px 2px 0; }
h2 { font-size: 1.5em; font-weight: bold; margin-top: 25px; margin-bottom: 10px; border-top: 1px solid #003366; margin-left: -15px; color: #003366; }
h3 { font-size: 1.1em; color: #000000; margin-left: -15px; margin-top: 10px; margin-bottom: 10px; }
ul { margin-top: 10px; margin-left: 20px; }
li { margin-top: 10px; color: #000000; }
.heading1 { color: #ffffff; font-family: Tahoma, sans-serif; font-size: 26px; font-weight: normal; background-color: #003366; margin-top: 0px; margin-bottom: 0px; margin-left: -30px; padding-top: 10px; padding-bottom: 3px; padding-left: 15px; }
.intro { margin-left: -15px; }
.obsolete { color: #990000; font-weight: bold; }
.extension { color: #336633; font-weight: bold; }
.footer { color: #666666; margin-top: 2em; }
.button { background-color: #dcdcdc; font-family: Verdana, sans-serif; font-size: 1em; border-top: #cccccc 1px solid; border-bottom: #666666 1px solid; border-left: #cccccc 1px solid; border-right: #666666 1px solid; }
.frmHeader { color: #000000; background: #dcdcdc; font-weight: normal; border-bottom: 1px solid #dcdcdc; padding: 2px 4px; }
.frmText { font-weight: normal; padding: 4px; }
.frmInput { font-family: Verdana, sans-serif; font-size: 1em; }
table.codes { border-collapse: collapse; }
table.codes th { background: #dcdcdc; font-weight: normal; padding: 2px 8px; }
table.codes td { padding: 2px 8px; border-bottom: 1px solid #eeeeee; }
`.trim();

/** Inline, so the shared style sheet (and so every production page) stays as it is. */
export const BANNER_STYLE = 'background-color: #fff3cd; border: 2px solid #cc9900; color: #663300; font-weight: bold; padding: 8px;';

/**
 * A complete HTML document. `title` and `heading` are plain text; `body` is HTML that the
 * caller has already escaped; `discoHref` is a URL (escaped here). `banner` (plain text, sandbox
 * mode only) is shown under the title bar; without one the page is byte for byte production's.
 */
export function htmlPage(title: string, heading: string, discoHref: string, body: string, footer = '', banner = ''): string {
  return (
    '<!DOCTYPE html>\n' +
    '<html lang="en">\n' +
    '<head>\n' +
    '<meta charset="utf-8">\n' +
    `<title>${escapeText(title)}</title>\n` +
    `<link rel="alternate" type="text/xml" href="${escapeAttribute(discoHref)}">\n` +
    `<style>\n${HELP_PAGE_STYLE}\n</style>\n` +
    '</head>\n' +
    '<body>\n' +
    '<div id="content">\n' +
    `<p class="heading1">${escapeText(heading)}</p><br>\n` +
    (banner === '' ? '' : `<p class="intro" id="sandbox-banner" style="${BANNER_STYLE}">${escapeText(banner)}</p>\n`) +
    body +
    (footer === '' ? '' : `<p class="footer">${escapeText(footer)}</p>\n`) +
    '</div>\n' +
    '</body>\n' +
    '</html>\n'
  );
}
