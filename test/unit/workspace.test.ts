// ServerWorkspace's URI <-> path conversion (memoised per string).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { ServerWorkspace } from '../../server/src/workspace';
import { Project } from '../../server/src/core/project/project';
import { MemoryFileSystem } from '../../server/src/core/model/fs';

describe('server workspace paths', () => {
  const root = path.resolve('/tmp/qda-ws-test');
  const ws = new ServerWorkspace(root, new Project(new MemoryFileSystem({})));

  it('maps file URIs inside the folder to relative paths, the same on every call, and back', () => {
    const uri = URI.file(path.join(root, 'transcripts', 'Intervju ø.md')).toString();
    for (let i = 0; i < 3; i++) assert.equal(ws.pathOf(uri), 'transcripts/Intervju ø.md');
    assert.equal(ws.uriOf('transcripts/Intervju ø.md'), uri);
    assert.equal(ws.uriOf('transcripts/Intervju ø.md'), uri);
    assert.equal(ws.pathOf(ws.uriOf('codebook.md')), 'codebook.md');
  });

  it('gives undefined outside the folder, for other schemes and for the folder itself, every time', () => {
    for (let i = 0; i < 2; i++) {
      assert.equal(ws.pathOf(URI.file('/elsewhere/a.md').toString()), undefined);
      assert.equal(ws.pathOf('untitled:Untitled-1'), undefined);
      assert.equal(ws.pathOf(URI.file(root).toString()), undefined);
    }
  });

  it('stays correct past the memo limit', () => {
    for (let i = 0; i < 25_000; i++) assert.equal(ws.pathOf(URI.file(path.join(root, `f${i}.md`)).toString()), `f${i}.md`);
    assert.equal(ws.pathOf(URI.file(path.join(root, 'f1.md')).toString()), 'f1.md');
  });
});
