import type { AwsClients } from '../aws/clients.js';
import { readApi } from '../aws/resources/apis.js';
import { bucketExists, readNotifications } from '../aws/resources/buckets.js';
import { isUnsupported } from '../aws/resources/errors.js';
import { readFunctionUrl } from '../aws/resources/function-urls.js';
import { sortRules } from './desired-entry-points.js';
import type { ActualState, StackState } from './model.js';
import type { ResourceRefs } from './read-actual.js';

/**
 * Reads the buckets (and their notification configurations), APIs and function URLs the stack names.
 * Every function's URL is read, so a URL the stack no longer asks for is removed; an endpoint without
 * function URLs (an older emulator) has none.
 */
export function readEntryPoints(
  clients: AwsClients,
  desired: StackState,
  state: ActualState,
  refs: ResourceRefs,
  read: (what: string, task: () => Promise<void>) => void,
): void {
  for (const name of Object.keys(desired.buckets)) {
    read(`bucket ${name}`, async () => {
      const s3 = await clients.s3();
      if (!(await bucketExists(s3, name))) return;
      state.buckets[name] = { name };
      const rules = await readNotifications(s3, name);
      if (rules.length) state.notifications[name] = { bucket: name, rules: sortRules(rules) };
    });
  }
  for (const [name, api] of Object.entries(desired.apis)) {
    read(`api ${name}`, async () => {
      const found = await readApi(clients, name, api.type, api.stage);
      if (!found) return;
      state.apis[name] = found.state;
      refs.apiIds[name] = found.id;
      if (found.apiEndpoint) refs.apiEndpoints[name] = found.apiEndpoint;
    });
  }
  const anyUrl = Object.keys(desired.functionUrls).length > 0;
  for (const name of Object.keys(desired.functions)) {
    read(`function URL of ${name}`, async () => {
      try {
        const found = await readFunctionUrl(await clients.lambda(), name);
        if (found) state.functionUrls[name] = found;
      } catch (err) {
        // Only a stack that asks for URLs needs an endpoint that has them.
        if (anyUrl || !isUnsupported(err)) throw err;
      }
    });
  }
}
