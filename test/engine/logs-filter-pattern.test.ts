import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { compileFilterPattern, FilterPatternError } from '../../src/engine/logs/filter-pattern.js';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';

/**
 * Each section is a set of log messages and the patterns tried on them, with the messages each pattern
 * must match. The messages, patterns and outcomes come from the CloudWatch Logs user guide
 * ("Filter pattern syntax for metric filters, subscription filters, filter log events and Live Tail" and its
 * earlier "Filter and Pattern Syntax" page) unless a comment says otherwise.
 */
interface Section {
  name: string;
  messages: Record<string, string>;
  cases: Array<[pattern: string, matches: string[]]>;
}

const SECTIONS: Section[] = [
  {
    name: 'terms',
    messages: {
      fatal: '[ERROR] A fatal exception has occurred',
      exiting: 'Exiting with ERRORCODE: -1',
      caught: '[ERROR] Caught IllegalArgumentException',
      unhandled: '[ERROR] Unhandled Exception',
      warnFailed: '[WARN] Failed to process the request',
      errFailed: '[ERROR] Unable to continue: Failed to process the request',
      lower: 'error: lowercase only',
      phrase: '500 INTERNAL SERVER ERROR here',
      shuffled: 'INTERNAL ERROR SERVER',
    },
    cases: [
      ['', ['fatal', 'exiting', 'caught', 'unhandled', 'warnFailed', 'errFailed', 'lower', 'phrase', 'shuffled']],
      ['   ', ['fatal', 'exiting', 'caught', 'unhandled', 'warnFailed', 'errFailed', 'lower', 'phrase', 'shuffled']],
      // A term is a case-sensitive substring: ERROR matches ERRORCODE, and not "error".
      ['ERROR', ['fatal', 'exiting', 'caught', 'unhandled', 'errFailed', 'phrase', 'shuffled']],
      ['"ERROR"', ['fatal', 'exiting', 'caught', 'unhandled', 'errFailed', 'phrase', 'shuffled']],
      ['Error', []],
      ['error', ['lower']],
      // The guide writes the exclusion with a space after the minus: "ERROR" - "Exiting".
      ['"ERROR" - "Exiting"', ['fatal', 'caught', 'unhandled', 'errFailed', 'phrase', 'shuffled']],
      ['ERROR -Exiting', ['fatal', 'caught', 'unhandled', 'errFailed', 'phrase', 'shuffled']],
      ['ERROR Exception', ['caught', 'unhandled']],
      ['Failed to process the request', ['warnFailed', 'errFailed']],
      ['"INTERNAL SERVER ERROR"', ['phrase']],
      ['INTERNAL SERVER ERROR', ['phrase', 'shuffled']],
      ['-ERROR', ['warnFailed', 'lower']],
      ['"Unable to continue: Failed"', ['errFailed']],
    ],
  },
  {
    name: 'alternatives',
    messages: { both: 'ERROR WARN message', error: 'ERROR message', warn: 'WARN message', info: 'INFO message' },
    cases: [
      ['ERROR', ['both', 'error']],
      ['?ERROR ?WARN', ['both', 'error', 'warn']],
      ['ERROR WARN', ['both']],
      ['ERROR -WARN', ['error']],
      ['?WARN ?INFO', ['both', 'warn', 'info']],
      ['?ERROR ?-WARN', ['both', 'error', 'info']],
      // CDK's anyTermGroup(["ERROR","WARN"],["INFO"]) renders this and documents it as (ERROR and WARN) or INFO.
      ['?"ERROR" "WARN" ?"INFO"', ['both', 'info']],
    ],
  },
  {
    name: 'regex terms',
    messages: {
      unauthorized: '[ERROR 401] UNAUTHORIZED REQUEST',
      authorized: '[SUCCESS 200] AUTHORIZED REQUEST',
      hat: 'hat on the rack',
      acat: 'a cat sat',
      color: 'color me',
      colour: 'colour me',
    },
    cases: [
      ['%AUTHORIZED%', ['unauthorized', 'authorized']],
      ['%^[hc]at%', ['hat']],
      ['%[hc]at%', ['hat', 'acat']],
      ['%colou?r%', ['color', 'colour']],
      ['%[0-9]{3}%', ['unauthorized', 'authorized']],
      ['%\\d{3}\\]%', ['unauthorized', 'authorized']],
    ],
  },
  {
    name: 'JSON selectors, IS NULL, NOT EXISTS, IS TRUE',
    messages: {
      trail: JSON.stringify({
        eventType: 'UpdateTrail',
        sourceIPAddress: '111.111.111.111',
        arrayKey: ['value', 'another value'],
        objectList: [
          { name: 'a', id: 1 },
          { name: 'b', id: 2 },
        ],
        SomeObject: null,
        ThisFlag: true,
      }),
      other: JSON.stringify({ eventType: 'CreateTrail', sourceIPAddress: '123.123.0.1', ThisFlag: false, arrayKey: 'value' }),
      text: 'eventType UpdateTrail (not JSON)',
    },
    cases: [
      ['{ $.eventType = "UpdateTrail" }', ['trail']],
      ['{$.eventType=UpdateTrail}', ['trail']],
      ['{ $.eventType = "updatetrail" }', []],
      ['{ $.eventType != "UpdateTrail" }', ['other']],
      ['{ $.sourceIPAddress != 123.123.* }', ['trail']],
      ['{ $.sourceIPAddress = 123.123.* }', ['other']],
      ['{ $.arrayKey[0] = "value" }', ['trail']],
      ['{ $.arrayKey[1] = "another value" }', ['trail']],
      ['{ $.arrayKey[2] = "value" }', []],
      ['{ $.objectList[1].id = 2 }', ['trail']],
      ['{ $.objectList[1].id = 1 }', []],
      ['{ $.objectList[0].name = a }', ['trail']],
      ['{ $.SomeObject IS NULL }', ['trail']],
      ['{ $.eventType IS NULL }', []],
      ['{ $.SomeOtherObject NOT EXISTS }', ['trail', 'other']],
      ['{ $.SomeObject NOT EXISTS }', ['other']],
      ['{ $.ThisFlag IS TRUE }', ['trail']],
      ['{ $.ThisFlag IS FALSE }', ['other']],
      // Wildcards apply at either end of a value (and a lone * means "any value"); inside, * is literal.
      ['{ $.eventType = Update* }', ['trail']],
      ['{ $.eventType = *Trail }', ['trail', 'other']],
      ['{ $.eventType = "*date*" }', ['trail']],
      ['{ $.eventType = Up*Trail }', []],
      ['{ $.eventType = * }', ['trail', 'other']],
      ['{ $.missing = * }', []],
      ['{ $.eventType = %^Upd.*Trail$% }', ['trail']],
      ['{ $.eventType != %^Update% }', ['other']],
    ],
  },
  {
    name: 'JSON compound conditions and arrays',
    messages: {
      users: JSON.stringify({
        user: { id: 1, email: 'John.Stiles@example.com' },
        users: [
          { id: 2, email: 'John.Doe@example.com' },
          { id: 3, email: 'Jane.Doe@example.com' },
        ],
        actions: ['GET', 'PUT', 'DELETE'],
        coordinates: [
          [0, 1, 2],
          [4, 5, 6],
          [7, 8, 9],
        ],
      }),
      numbers: JSON.stringify({ users: [1, 2, 3] }),
    },
    cases: [
      ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', ['users']],
      ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', []],
      ['{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', ['users']],
      ['{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', []],
      ['{ $.coordinates[1][2] = 6 }', ['users']],
      ['{ $.actions[2] = "DELETE" && $.users[1].id = 3 }', ['users']],
      // A selector that lands on an array or object never matches, whatever the operator.
      ['{ $.users = 1 }', []],
      ['{ $.users != 1 }', []],
      ['{ $.user != 1 }', []],
      ['{ $.users[0] = 1 }', ['numbers']],
    ],
  },
  {
    name: 'JSON numbers and precedence',
    messages: {
      slow: JSON.stringify({ latency: 750, numbers: [5], processes: [{}, {}, {}, {}, { averageRuntime: 55.5 }], errorCode: 400 }),
      fast: JSON.stringify({ latency: 20, numbers: [20000], errorCode: 500 }),
      textual: JSON.stringify({ latency: '750', errorCode: '400' }),
      a: JSON.stringify({ a: 1, b: 0, c: 0 }),
      bc: JSON.stringify({ a: 0, b: 1, c: 1 }),
      foobar: '{"foo": "bar"}',
      foobaz: '{"foo": "baz"}',
    },
    cases: [
      ['{ $.latency >= 500 }', ['slow']],
      ['{ $.latency > +1000 }', []],
      ['{ $.latency <= 750 }', ['slow', 'fast']],
      ['{ $.latency < 750 }', ['fast']],
      ['{ $.latency > -1 }', ['slow', 'fast']],
      ['{ $.numbers[0] < 10e3 }', ['slow']],
      ['{ $.numbers[0] < 10e-3 }', []],
      ['{ $.numbers[0] >= 2E4 }', ['fast']],
      ['{ $.processes[4].averageRuntime <= 55.5 }', ['slow']],
      ['{ $.processes[4].averageRuntime < 55.5 }', []],
      // = and != with a number also match the same digits in a string; ordering needs a JSON number.
      ['{ $.errorCode = 400 }', ['slow', 'textual']],
      ['{ $.errorCode != 500 }', ['slow', 'textual']],
      ['{ $.errorCode = 4* }', ['slow', 'textual']],
      ['{ $.errorCode = 400.0 }', ['slow']],
      ['{ $.foo = bar }', ['foobar']],
      ['{ $.foo = baz }', ['foobaz']],
      ['{ $.foo = bar || $.foo = baz }', ['foobar', 'foobaz']],
      // && binds tighter than ||; parentheses override.
      ['{ $.a = 1 || $.b = 1 && $.c = 1 }', ['a', 'bc']],
      ['{ ($.a = 1 || $.b = 1) && $.c = 1 }', ['bc']],
      ['{ $.a = 1 || ($.b = 1 && $.c = 0) }', ['a']],
      ['{ (($.a = 0)) && ($.b = 1 || $.c = 5) }', ['bc']],
    ],
  },
  {
    name: 'space-delimited',
    messages: {
      gif200: '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
      gif500: '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
      gif200b: '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355',
      html404: '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
    },
    cases: [
      ['[ip, user, username, timestamp, request, status_code, bytes]', ['gif200', 'gif500', 'gif200b', 'html404']],
      ['[ip, user, username, timestamp, request, status_code, bytes > 1000]', ['gif200', 'gif500', 'gif200b', 'html404']],
      ['[ip, user, username, timestamp, request, status_code, bytes > 5000]', ['gif500']],
      ['[ip, user, username, timestamp, request, status_code = 200, bytes]', ['gif200', 'gif200b']],
      ['[ip, user, username, timestamp, request, status_code = 4*, bytes]', ['html404']],
      ['[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]', ['html404']],
      ['[ip, user, username, timestamp, request = "GET /index.html HTTP/1.0", status_code, bytes]', ['html404']],
      ['[ip, user, username, timestamp = "10/Oct/2000:13:50:35*", request, status_code, bytes]', ['gif200b']],
      ['[..., status_code, bytes]', ['gif200', 'gif500', 'gif200b', 'html404']],
      ['[ip, user, ..., status_code, bytes]', ['gif200', 'gif500', 'gif200b', 'html404']],
      ['[ip, user, ...]', ['gif200', 'gif500', 'gif200b', 'html404']],
      ['[..., request=*.html*, status_code=4*,]', ['html404']],
      ['[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]', ['html404']],
      ['[ip, user, username, timestamp, request, status_code = 2* && bytes > 4000, bytes]', ['gif200b']],
      ['[ip, user, username, timestamp, request, status_code != 200, bytes]', ['gif500', 'html404']],
      ['[..., status_code = %^[45]\\d\\d$%, bytes]', ['gif500', 'html404']],
      ['[ip = 127.0.0.1, ..., bytes = 1534]', ['gif200', 'html404']],
      // Without `...` the number of fields must be exact.
      ['[ip, user]', []],
      ['[ip, user, username, timestamp, request, status_code, bytes, extra]', []],
    ],
  },
  {
    name: 'space-delimited alternatives',
    messages: { both: 'ERROR WARN message', error: 'ERROR message', warn: 'WARN message', info: 'INFO message' },
    cases: [
      ['[w1=ERROR, w2]', ['error']],
      ['[w1=ERROR || w1=WARN, w2]', ['error', 'warn']],
      // The guide claims this matches "ERROR WARN message"; that line has three fields, so it cannot
      // fit two columns, and its first field is ERROR. Only a two-field line that is neither matches.
      ['[w1!=ERROR&&w1!=WARN, w2]', ['info']],
      ['[w1, w2, w3]', ['both']],
    ],
  },
];

const INVALID: Array<[pattern: string, message: string]> = [
  // Terms with characters other than letters, digits and _ must be quoted; AWS quotes the character back.
  ['Status: timeout', "Invalid character(s) in term ':'"],
  ['"retrievedReferences":[]', "Invalid character(s) in term ':'"],
  ['reason (x', "Invalid character(s) in term '('"],
  ['"unterminated', 'Invalid filter pattern'],
  ['ERROR -', 'Invalid filter pattern'],
  ['%ab(c)%', "Invalid character(s) in term '('"],
  ['%a b%', "Invalid character(s) in term ' '"],
  ['{ $.message = "error-response", $.path = "/authenticate" }', "Invalid character(s) in term ','"],
  ['{ $."sc-status" = 5* }', `Invalid character(s) in term '$."'`],
  ['{ $.a = }', 'Invalid filter pattern'],
  ['{ $.a = 1', 'Invalid filter pattern'],
  ['{ $.a = 1 } trailing', 'Invalid filter pattern'],
  ['{ ($.a = 1 }', 'Invalid filter pattern'],
  ['{ $.a > abc }', 'Invalid filter pattern'],
  ['{ $.a IS MAYBE }', 'Invalid filter pattern'],
  ['{ $.a }', 'Invalid filter pattern'],
  ['{ }', 'Invalid filter pattern'],
  ['[a, b', 'Invalid filter pattern'],
  ['[a; b]', "Invalid character(s) in term ';'"],
  ['[..., a, ...]', 'Invalid filter pattern'],
  ['[a, b > x]', 'Invalid filter pattern'],
  // Unquoted values take letters, digits and . _ - * + only: a timestamp needs quotes.
  ['[ip, user, username, timestamp = 10/Oct/2000:13:50:35*, request, status_code, bytes]', "Invalid character(s) in term '/'"],
];

describe('filter pattern compiler', () => {
  for (const section of SECTIONS) {
    describe(section.name, () => {
      for (const [pattern, expected] of section.cases) {
        it(`${pattern || '(empty)'} → ${expected.join(', ') || 'nothing'}`, () => {
          const matcher = compileFilterPattern(pattern);
          const got = Object.entries(section.messages)
            .filter(([, message]) => matcher(message))
            .map(([key]) => key);
          expect(got.sort()).toEqual([...expected].sort());
        });
      }
    });
  }

  it.each(INVALID)('refuses %s', (pattern, message) => {
    let error: unknown;
    try {
      compileFilterPattern(pattern);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FilterPatternError);
    expect((error as Error).message).toBe(message);
  });
});

// The same table through the wire: the SDK's FilterLogEvents against the engine, one stream per section.
describe('filter patterns through FilterLogEvents', () => {
  let engine: Engine;
  let logs: CloudWatchLogsClient;
  const group = '/evlab/filter-pattern-table';

  beforeAll(async () => {
    engine = await startTestEngine();
    logs = new CloudWatchLogsClient(clientConfig(engine.url));
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const now = Date.now();
    for (const [index, section] of SECTIONS.entries()) {
      const stream = `section-${index}`;
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: Object.values(section.messages).map((message) => ({ timestamp: now, message })),
        }),
      );
    }
  });
  afterAll(async () => {
    logs?.destroy();
    await engine?.stop();
  });

  for (const [index, section] of SECTIONS.entries()) {
    it(section.name, async () => {
      for (const [pattern, expected] of section.cases) {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: [`section-${index}`], filterPattern: pattern }));
        const byMessage = new Map(Object.entries(section.messages).map(([k, v]) => [v, k]));
        const got = (out.events ?? []).map((e) => byMessage.get(e.message!)!);
        expect({ pattern, got: got.sort() }).toEqual({ pattern, got: [...expected].sort() });
      }
    });
  }

  it('answers a bad pattern with InvalidParameterException', async () => {
    for (const [pattern, message] of INVALID.slice(0, 4)) {
      const err = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: pattern })).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'InvalidParameterException', message, $metadata: { httpStatusCode: 400 } });
    }
  });
});
