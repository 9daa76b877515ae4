/**
 * `npm run token -- <userId>`: prints a dev JWT for that user as the last line.
 * @module
 */
import { signDevToken } from "@ferry/core/auth";
import { devSecret } from "../dev-secret";
import { localDir } from "../paths";

const userId = process.argv[2] ?? "dev";
const ttl = Number(process.argv[3] ?? 12 * 3600);
console.error(`dev token for "${userId}", valid ${ttl} s, signed with .local/dev-secret:`);
console.log(await signDevToken(devSecret(localDir()), userId, ttl));
