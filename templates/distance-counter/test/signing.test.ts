// The functions sign their AWS calls themselves (no SDK in the zip). Both signers must give the
// signature botocore computes for the same request, so they also work where signatures are checked.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FUNCTIONS = join(fileURLToPath(new URL('..', import.meta.url)), 'functions');
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const HEADERS = {
  host: '127.0.0.1:4566',
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': 'DynamoDB_20120810.GetItem',
  'x-amz-date': '20240102T030405Z',
};
const BODY = '{"TableName": "x"}';
// botocore.auth.SigV4Auth for the request above.
const EXPECTED =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=71322cdc6741d04324cdee3a36de9455fe941168c44e1937548be103d22751a3';

describe('SigV4 signing in the functions', () => {
  it('Node.js (aws-json.mjs)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, CREDENTIALS);
    try {
      const { _authorization } = await import(join(FUNCTIONS, 'distance-node', 'aws-json.mjs'));
      expect(_authorization('dynamodb', 'us-east-1', HEADERS, BODY)).toBe(EXPECTED);
    } finally {
      process.env = saved;
    }
  });

  it('Python (aws_json.py)', async () => {
    const script = `import sys, json; sys.path.insert(0, ${JSON.stringify(join(FUNCTIONS, 'distance'))}); import aws_json
print(aws_json._authorization("dynamodb", "us-east-1", json.loads(sys.argv[1]), sys.argv[2].encode()))`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', script, JSON.stringify(HEADERS), BODY], { env: { ...process.env, ...CREDENTIALS } }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(out.trim()).toBe(EXPECTED);
  });
});
