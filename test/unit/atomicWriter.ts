// Child process for atomicWrite.test.ts: rewrites TARGET atomically, alternating between the
// contents of two files, until it is killed.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../server/src/nodeFs';

const [target, a, b] = process.argv.slice(2);
const contents = [readFileSync(a, 'utf8'), readFileSync(b, 'utf8')];
void (async () => {
  process.stdout.write('writing\n');
  for (let i = 0; ; i++) await writeFileAtomic(target, contents[i % 2]);
})();
