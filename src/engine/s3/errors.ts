/**
 * S3's errors: an XML body `<Error><Code/><Message/><Resource/><RequestId/></Error>` with the
 * status AWS uses for the code, plus the extra elements some codes carry (BucketName, Key...).
 */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra elements of the error body, e.g. `{ BucketName: 'b' }` for NoSuchBucket. */
    readonly extra: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchKey = (key: string) => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });

export const noSuchUpload = (uploadId: string) =>
  new S3Error('NoSuchUpload', 404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });

export const invalidArgument = (message: string, name?: string, value?: string) =>
  new S3Error('InvalidArgument', 400, message, name ? { ArgumentName: name, ArgumentValue: value ?? '' } : {});

export const malformedXml = () =>
  new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');

export const notImplemented = (what: string) =>
  new S3Error('NotImplemented', 501, `A header or query you provided implies functionality that is not implemented: the evlab engine does not implement ${what}.`);
