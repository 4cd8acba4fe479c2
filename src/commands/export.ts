// evlab export: being written by the lead (src/export/ + this file). Placeholder so that nobody starts it twice.
export {};
