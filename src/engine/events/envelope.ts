import { randomUUID } from 'node:crypto';

/** What EventBridge knows about an accepted event; the delivered JSON is built from it on first need. */
export interface EventFields {
  id: string;
  source: string;
  detailType: string;
  /** ISO 8601 without milliseconds, as AWS writes it: 2024-01-01T00:00:00Z. */
  time: string;
  region: string;
  account: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Detail as the caller sent it, whitespace removed: delivered without a parse/serialise round trip. */
  detailText: string;
  /** When EventBridge took the event, for `<aws.events.event.ingestion-time>`. */
  ingestionTime: string;
}

/** How many buses an event may pass through (bus-to-bus targets) before delivery stops: a loop guard. */
export const MAX_BUS_HOPS = 5;

export class AcceptedEvent {
  /** The envelope as an object, the shape rules match against and JSON paths read. */
  readonly object: Record<string, unknown>;
  private text: string | undefined;

  constructor(
    readonly fields: EventFields,
    /** Buses passed through before the current one. */
    readonly hops = 0,
    object?: Record<string, unknown>,
    text?: string,
  ) {
    this.object = object ?? {
      version: '0',
      id: fields.id,
      'detail-type': fields.detailType,
      source: fields.source,
      account: fields.account,
      time: fields.time,
      region: fields.region,
      resources: fields.resources,
      detail: fields.detail,
    };
    this.text = text;
  }

  /** The event as targets receive it, in AWS's key order. */
  get json(): string {
    if (this.text === undefined) {
      const f = this.fields;
      this.text =
        `{"version":"0","id":"${f.id}","detail-type":${JSON.stringify(f.detailType)},"source":${JSON.stringify(f.source)},` +
        `"account":"${f.account}","time":"${f.time}","region":"${f.region}","resources":${JSON.stringify(f.resources)},` +
        `"detail":${f.detailText}}`;
    }
    return this.text;
  }

  /** The same event arriving on another bus (a bus target): same id and content, one hop further. */
  forwarded(): AcceptedEvent {
    return new AcceptedEvent(this.fields, this.hops + 1, this.object, this.text);
  }
}

export function newEventId(): string {
  return randomUUID();
}

/** 2024-01-01T00:00:00Z: AWS drops the milliseconds from event times. */
export function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

/**
 * The JSON text without whitespace between tokens, as AWS delivers event details (it re-serialises them), but
 * without a parse/serialise round trip: numbers keep their exact text.
 */
export function compactJson(text: string): string {
  if (!/\s/.test(text)) return text;
  let out = '';
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 32 || c === 9 || c === 10 || c === 13) {
      out += text.slice(start, i);
      start = i + 1;
    }
  }
  return out + text.slice(start);
}
