import { describe, expect, it } from 'vitest';
import { isPackagedPath } from '../../src/package/collect-files.js';

describe('isPackagedPath (what relambda --watch reacts to)', () => {
  it('takes source files, node_modules included, with either separator', () => {
    for (const path of ['index.js', 'lib/util.py', 'node_modules/x/index.js', 'lib\\win.py', 'bootstrap']) expect(isPackagedPath(path), path).toBe(true);
  });

  it("leaves out evlab's build folder, VCS metadata and bytecode caches", () => {
    for (const path of ['.evlab/build/a.zip', '.git/index', '__pycache__/app.cpython-311.pyc', 'lib/__pycache__/x.pyc', 'app.pyc', '.DS_Store', '']) {
      expect(isPackagedPath(path), path).toBe(false);
    }
  });
});
