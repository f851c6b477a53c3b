// Validation of REFI-QDA XML against the schemas in ../shared/refi with libxml2 (xmllint-wasm).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const REFI = path.resolve(__dirname, '../../..', '../shared/refi');

// Loaded at run time, not bundled: the package finds its .wasm next to its own files.
type Validate = (o: { xml: { fileName: string; contents: string }; schema: { fileName: string; contents: string } }) => Promise<{ valid: boolean; errors: Array<{ rawMessage: string }> }>;
const { validateXML } = createRequire(__filename)('xmllint-wasm') as { validateXML: Validate };

/** The schema errors of `xml`; [] when it is valid. */
export async function validate(xml: string, xsd: 'Project-mrt2019.xsd' | 'Codebook.xsd'): Promise<string[]> {
  const result = await validateXML({ xml: { fileName: 'project.qde', contents: xml }, schema: { fileName: xsd, contents: readFileSync(path.join(REFI, xsd), 'utf8') } });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

