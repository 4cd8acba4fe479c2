import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { desiredState } from '../../src/stack/desired.js';
import { loadStack } from '../../src/stack/load.js';

const templates = join(dirname(fileURLToPath(import.meta.url)), '../../templates');

describe('each starter ships a SAM template.yaml that is the same system as its evlab.json', () => {
  for (const name of ['distance-counter', 'order-invoice', 'store-events']) {
    it(name, async () => {
      const cwd = join(templates, name);
      const fromJson = await loadStack({ cwd, flags: {}, env: {} });
      // evlab.json wins; the template beside it is named so that commands can say so.
      expect(fromJson.shadowedTemplate).toBe(join(cwd, 'template.yaml'));
      const fromTemplate = await loadStack({ cwd, flags: { template: 'template.yaml' }, env: {} });
      expect(fromTemplate.template?.unsupported).toEqual([]);
      expect(fromTemplate.template?.warnings).toEqual([]);
      const desired = (s: typeof fromJson) => desiredState(s.stack, { codeSha256: {}, ensureRole: false });
      // Same desired state: setup from either plans the same resources, so each e2e test holds for both.
      expect(desired(fromTemplate)).toEqual(desired(fromJson));
    });
  }
});
