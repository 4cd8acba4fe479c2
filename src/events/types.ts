/** One PutEvents entry as evlab sends it (Detail always a JSON object serialised to a string). */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
  Time?: Date;
  EventBusName?: string;
  TraceHeader?: string;
}

/** How a file was read. */
export type EventFileFormat = 'entries' | 'put-events-request' | 'event' | 'ndjson';

/** One value found in an event file, before validation. */
export interface RawEventItem {
  /** 1-based position among the file's entries. */
  index: number;
  /** Line where the entry starts, when known. */
  line?: number;
  value: unknown;
}

/** A validated entry, with where it came from. */
export interface PreparedEntry {
  file: string;
  index: number;
  line?: number;
  entry: PutEventsEntry;
  /** Size as AWS counts it (see entrySize). */
  size: number;
}
