// Kept in step with package.json by test/unit/version.test.ts; a literal keeps engine start free of file reads.
export const ENGINE_VERSION = '0.1.0';
export const ENGINE_NAME = 'evlab';
