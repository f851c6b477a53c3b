// Agreement over a loaded project: its transcripts' turns and bodies, and the anchored codings
// of the coders named. Codings that are orphaned (their text is gone) take no part: they have
// no place in the text to agree or disagree on.
import type { Project } from '../project/project';
import * as l10n from '../text/l10n';
import { computeAgreementSteps, type AgreementCoding, type AgreementDocument, type AgreementOptions, type AgreementReport, type AgreementUnit } from './agreementUnits';
import { runSteps, type Steps } from '../text/steps';

export interface ProjectAgreementOptions {
  coders: readonly string[];
  unit: AgreementUnit;
  codes?: readonly string[];
  overlap?: number;
  /** Name of a codebook category whose codes are the values of one nominal variable. */
  domain?: string;
}

export class AgreementInputError extends Error {}

export function agreementOfProject(project: Project, options: ProjectAgreementOptions): AgreementReport {
  return runSteps(agreementOfProjectSteps(project, options));
}

/** agreementOfProject, pausing as computeAgreement does (core/text/steps.ts). */
export function* agreementOfProjectSteps(project: Project, options: ProjectAgreementOptions): Steps<AgreementReport> {
  const { documents, codings, agreementOptions } = inputsOf(project, options);
  return yield* computeAgreementSteps(documents, codings, agreementOptions);
}

/** The transcripts, the anchored codings and the options computeAgreement takes (a plain function: see inParts in core/text/steps.ts). */
function inputsOf(project: Project, options: ProjectAgreementOptions): { documents: AgreementDocument[]; codings: AgreementCoding[]; agreementOptions: AgreementOptions } {
  const known = new Set<string>();
  for (const info of project.allCodings()) known.add(info.coding.coder);
  const missing = options.coders.filter((c) => !known.has(c));
  if (missing.length) {
    throw new AgreementInputError(l10n.t('no codings by {0}; coders in this project: {1}', missing.join(', '), [...known].sort().join(', ') || l10n.t('none')));
  }
  const codes = options.codes?.map((name) => {
    const code = project.findCode(name);
    if (!code) throw new AgreementInputError(l10n.t("'{0}' is not a code in {1}", name, project.codebook.path));
    return code.name;
  });
  let domain: AgreementOptions['domain'];
  if (options.domain !== undefined) {
    const category = project.findCategory(options.domain);
    if (!category) throw new AgreementInputError(l10n.t("'{0}' is not a theme or group in {1}", options.domain, project.codebook.path));
    const domainCodes = project.codesInCategory(category).map((c) => c.name);
    if (!domainCodes.length) throw new AgreementInputError(l10n.t("'{0}' has no codes", category.name));
    domain = { name: category.name, codes: domainCodes };
  }
  const documents = [...project.transcripts.values()].map((t) => ({
    path: t.path,
    bodyStart: t.bodyStart,
    length: project.texts.get(t.path)?.length ?? 0,
    turns: t.turns,
  }));
  // Codings carry the code name as written; compare them under the codebook's spelling so that
  // "læring" and "Læring" are one code, as everywhere else.
  const codings = project
    .allCodings()
    .filter((i) => i.anchored)
    .map((i) => ({ doc: i.coding.doc, start: i.coding.start, end: i.coding.end, coder: i.coding.coder, code: project.findCode(i.coding.code)?.name ?? i.coding.code }));
  return {
    documents,
    codings,
    agreementOptions: {
      coders: options.coders,
      unit: options.unit,
      codes: codes ?? (domain ? domain.codes : undefined),
      overlap: options.overlap,
      domain,
    },
  };
}
