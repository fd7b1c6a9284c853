/**
 * Loaded into every test file's process (`node --import`). A test that fails half-way can leave a
 * Kafka or Redis client open, and node --test waits for the file's process to exit: CI would hang
 * until its time limit. Once a file's tests are done, its process gets 10 s to exit on its own.
 * (`--test-force-exit` is no substitute: it ends the run before every file has reported.)
 */
import { after } from 'node:test';

after(() => {
  setTimeout(() => process.exit(), 10_000).unref();
});
