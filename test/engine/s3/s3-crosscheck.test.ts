import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/index.js';
import { BOTO3_PRELUDE, runPython, startTestEngine } from '../../helpers/engine.js';
import { startMoto, type MotoServer } from '../../helpers/moto.js';

let engine: Engine;
let moto: MotoServer;

beforeAll(async () => {
  [engine, moto] = await Promise.all([startTestEngine(), startMoto()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([engine?.stop(), moto?.stop()]);
});

// One boto3 script, run against the engine and against moto (an independent emulator): the answers
// that AWS defines (codes, statuses, listings, ETags, ranges, headers) must be the same.
const SCRIPT = `${BOTO3_PRELUDE}
import hashlib
s3 = boto3.client('s3', region_name='eu-west-1')
r = {}
r['create'] = s3.create_bucket(Bucket='cross-bucket', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})['ResponseMetadata']['HTTPStatusCode']
r['again'] = error(lambda: s3.create_bucket(Bucket='cross-bucket', CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'}))
r['location'] = s3.get_bucket_location(Bucket='cross-bucket')['LocationConstraint']
# (moto accepts any bucket name; InvalidBucketName is checked in s3-sdk.test.ts)
r['noconstraint'] = pick(error(lambda: s3.create_bucket(Bucket='other-bucket')) or {}, 'code', 'status')
keys = ['a.txt', 'docs/one.md', 'docs/two.md', 'docs/deep/three.md', 'img/x.png', 'z z.txt', 'unicode/ü.txt']
for k in keys:
  s3.put_object(Bucket='cross-bucket', Key=k, Body=k.encode() * 3, ContentType='text/plain', Metadata={'k': 'v'})
lst = s3.list_objects_v2(Bucket='cross-bucket')
r['all'] = [(o['Key'], o['Size'], o['ETag']) for o in lst['Contents']]
r['keycount'] = lst['KeyCount']
d = s3.list_objects_v2(Bucket='cross-bucket', Delimiter='/')
r['delim'] = [[o['Key'] for o in d.get('Contents', [])], [p['Prefix'] for p in d.get('CommonPrefixes', [])]]
d = s3.list_objects_v2(Bucket='cross-bucket', Prefix='docs/', Delimiter='/')
r['docs'] = [[o['Key'] for o in d.get('Contents', [])], [p['Prefix'] for p in d.get('CommonPrefixes', [])]]
p1 = s3.list_objects_v2(Bucket='cross-bucket', MaxKeys=3)
p2 = s3.list_objects_v2(Bucket='cross-bucket', MaxKeys=3, ContinuationToken=p1['NextContinuationToken'])
r['pages'] = [[o['Key'] for o in p1['Contents']], p1['IsTruncated'], [o['Key'] for o in p2['Contents']], p2['IsTruncated']]
r['startafter'] = [o['Key'] for o in s3.list_objects_v2(Bucket='cross-bucket', StartAfter='docs/two.md')['Contents']]
# (moto ignores MaxKeys together with a delimiter in v1, so the paging itself is checked in s3-sdk.test.ts)
v1 = s3.list_objects(Bucket='cross-bucket', Delimiter='/')
r['v1'] = [[o['Key'] for o in v1.get('Contents', [])], [p['Prefix'] for p in v1.get('CommonPrefixes', [])], v1['IsTruncated'], v1.get('NextMarker')]
g = s3.get_object(Bucket='cross-bucket', Key='a.txt', Range='bytes=1-3')
r['range'] = [g['Body'].read().decode(), g['ContentRange'], g['ContentLength'], g['ResponseMetadata']['HTTPStatusCode']]
g = s3.get_object(Bucket='cross-bucket', Key='a.txt', Range='bytes=-4')
r['suffix'] = [g['Body'].read().decode(), g['ContentRange']]
h = s3.head_object(Bucket='cross-bucket', Key='z z.txt')
r['head'] = [h['ContentType'], h['Metadata'], h['ContentLength'], h['ETag'], h['AcceptRanges']]
r['invalidrange'] = pick(error(lambda: s3.get_object(Bucket='cross-bucket', Key='a.txt', Range='bytes=100-200')), 'code', 'status')
r['nokey'] = error(lambda: s3.get_object(Bucket='cross-bucket', Key='nope'))
r['headnokey'] = pick(error(lambda: s3.head_object(Bucket='cross-bucket', Key='nope')), 'code', 'status')
r['nobucket'] = error(lambda: s3.get_object(Bucket='no-such-bucket-x', Key='nope'))
r['headnobucket'] = pick(error(lambda: s3.head_bucket(Bucket='no-such-bucket-x')), 'code', 'status')
c = s3.copy_object(Bucket='cross-bucket', Key='copy/a.txt', CopySource={'Bucket': 'cross-bucket', 'Key': 'a.txt'})
r['copy'] = c['CopyObjectResult']['ETag']
r['copyself'] = pick(error(lambda: s3.copy_object(Bucket='cross-bucket', Key='a.txt', CopySource={'Bucket': 'cross-bucket', 'Key': 'a.txt'})), 'code', 'status')
r['copymissing'] = pick(error(lambda: s3.copy_object(Bucket='cross-bucket', Key='b', CopySource={'Bucket': 'cross-bucket', 'Key': 'missing'})), 'code', 'status')
mp = s3.create_multipart_upload(Bucket='cross-bucket', Key='multi.bin')
part1 = b'1' * (5 * 1024 * 1024)
e1 = s3.upload_part(Bucket='cross-bucket', Key='multi.bin', UploadId=mp['UploadId'], PartNumber=1, Body=part1)['ETag']
e2 = s3.upload_part(Bucket='cross-bucket', Key='multi.bin', UploadId=mp['UploadId'], PartNumber=2, Body=b'tail')['ETag']
r['smallpart'] = pick(error(lambda: s3.complete_multipart_upload(Bucket='cross-bucket', Key='multi.bin', UploadId=mp['UploadId'], MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': e2}, {'PartNumber': 2, 'ETag': e1}]})), 'code', 'status')
r['parts'] = [(p['PartNumber'], p['Size'], p['ETag']) for p in s3.list_parts(Bucket='cross-bucket', Key='multi.bin', UploadId=mp['UploadId'])['Parts']]
done = s3.complete_multipart_upload(Bucket='cross-bucket', Key='multi.bin', UploadId=mp['UploadId'], MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': e1}, {'PartNumber': 2, 'ETag': e2}]})
r['multipart'] = [done['ETag'], s3.head_object(Bucket='cross-bucket', Key='multi.bin')['ContentLength']]
r['nosuchupload'] = pick(error(lambda: s3.list_parts(Bucket='cross-bucket', Key='multi.bin', UploadId=mp['UploadId'])), 'code', 'status')
r['notempty'] = error(lambda: s3.delete_bucket(Bucket='cross-bucket'))
r['deletemissing'] = s3.delete_object(Bucket='cross-bucket', Key='never')['ResponseMetadata']['HTTPStatusCode']
dl = s3.delete_objects(Bucket='cross-bucket', Delete={'Objects': [{'Key': k} for k in keys + ['copy/a.txt', 'multi.bin', 'absent']]})
r['deleted'] = sorted(x['Key'] for x in dl['Deleted'])
r['empty'] = s3.list_objects_v2(Bucket='cross-bucket')['KeyCount']
r['deletebucket'] = s3.delete_bucket(Bucket='cross-bucket')['ResponseMetadata']['HTTPStatusCode']
print(json.dumps(r, sort_keys=True))
`;

describe('S3 cross-check against moto', () => {
  it('boto3 gets the same answers from the engine and from moto', async () => {
    const [ours, theirs] = await Promise.all([runPython(SCRIPT, engine.url, 60_000), runPython(SCRIPT, moto.url, 60_000)]);
    const a = JSON.parse(ours);
    const b = JSON.parse(theirs);
    // Messages are free text in AWS (and differ between emulators); codes and statuses are the contract.
    for (const r of [a, b]) for (const v of Object.values(r)) if (v && typeof v === 'object' && 'message' in v) delete (v as { message?: string }).message;
    expect(a).toEqual(b);
    expect(a.again).toMatchObject({ code: 'BucketAlreadyOwnedByYou', status: 409 });
    expect(a.nokey).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(a.noconstraint).toEqual({ code: 'IllegalLocationConstraintException', status: 400 });
    expect(a.multipart[0]).toMatch(/^"[0-9a-f]{32}-2"$/);
  });
});
