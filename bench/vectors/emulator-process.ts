/**
 * Runs the S3 Vectors emulator in its own process for bench/vectors/main.ts, so
 * the server's JSON parsing and scans use the second core while the bench
 * process serializes requests, as they would with the emulator in the local
 * stack. Prints `{"url": ...}` once listening; stops when stdin closes.
 */
import { startS3VectorsEmulator } from "@ferry/local/s3vectors/index";

const emulator = await startS3VectorsEmulator();
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
process.stdin.on("end", () => {
  void emulator.stop().then(() => process.exit(0));
});
process.stdin.resume();
