// qda/informants (the Informants view) and qda/setInformantAttribute (an edit of qda.yaml that
// keeps its comments, applied by the client so Undo works).
import type { ServerWorkspace } from '../workspace';
import type { EditResult, InformantsResult, SetInformantAttributeParams } from '../protocol';
import { CONFIG_FILE } from '../core/parse/config';
import { informantInfos, setInformantAttribute } from '../core/ops/informants';
import type { Operations } from '../operationReply';

export function informants(ws: ServerWorkspace): InformantsResult {
  const infos = informantInfos(ws.project);
  const names = new Set<string>();
  for (const i of infos) for (const k of Object.keys(i.attributes)) names.add(k);
  return {
    version: ws.project.version,
    informants: infos.map((i) => ({ ...i, transcripts: i.transcripts.map((path) => ({ path, uri: ws.uriOf(path) })) })),
    attributeNames: [...names].sort((a, b) => a.localeCompare(b, 'nb')),
    configUri: ws.uriOf(CONFIG_FILE),
  };
}

export function setAttribute(ops: Operations, params: SetInformantAttributeParams): Promise<EditResult> {
  return ops.reply(() => setInformantAttribute(ops.ws.project, params.informant, params.attribute, params.value));
}
