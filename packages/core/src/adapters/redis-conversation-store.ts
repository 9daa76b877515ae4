import type { Redis } from "ioredis";
import type { ConversationStore, ConversationTurn } from "../ports";
import { checkAppendOptions, ConversationTurnSchema as Turn } from "./conversation-turn-records";
import { RedisScript } from "./redis-script";

/** Push, trim and renew in one step, so two appends racing on a conversation both land and the key never outlives its TTL untrimmed. */
const APPEND = new RedisScript(`
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`);

/**
 * `ConversationStore` on Redis: one list per owner and conversation holding the kept
 * turns as JSON, oldest first. Redis expires the key itself, so an expired
 * conversation reads as empty and the next append starts a new one.
 *
 * @remarks Owner and conversation id are URI-encoded in the key, so `a:b`/`c` and
 * `a`/`b:c` name different conversations.
 */
export class RedisConversationStore implements ConversationStore {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix?: string } = {},
  ) {
    this.#prefix = options.prefix ?? "ferry:";
  }

  #key = (owner: string, conversationId: string) => `${this.#prefix}conv:${encodeURIComponent(owner)}:${encodeURIComponent(conversationId)}`;

  async get(owner: string, conversationId: string): Promise<ConversationTurn[]> {
    const raw = await this.redis.lrange(this.#key(owner, conversationId), 0, -1);
    return raw.map((r) => Turn.parse(JSON.parse(r)));
  }

  async append(owner: string, conversationId: string, turn: ConversationTurn, options: { keep: number; ttlSeconds: number }): Promise<void> {
    checkAppendOptions(options);
    const key = this.#key(owner, conversationId);
    await APPEND.run(this.redis, [key], [JSON.stringify(turn), options.keep, Math.ceil(options.ttlSeconds * 1000)]);
  }
}
