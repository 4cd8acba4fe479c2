import type { Operation } from './context.js';
import { validation } from './errors.js';
import { compile } from './ops-rules.js';
import { readString } from './validation.js';

/** The envelope fields AWS insists on in TestEventPattern's Event (resources, though documented, is optional). */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

export const testEventPattern: Operation = (input) => {
  const pattern = readString(input, 'EventPattern', 'eventPattern', { required: true, max: 4096 })!;
  const eventText = readString(input, 'Event', 'event', { required: true })!;
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    throw validation('Parameter Event is not valid.');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event) || REQUIRED_EVENT_FIELDS.some((f) => !(f in event))) {
    throw validation('Parameter Event is not valid.');
  }
  return { Result: compile(pattern).matches(event) };
};
